using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using WaEngine.Proto;
using static WaEngine.Proto.ClientPayload.Types;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// Builds the ClientPayload a client encrypts into its Noise ClientFinish: the registration form for a device
/// not yet paired (with its Signal keys and DeviceProps), the login form for a paired one.
/// </summary>
internal sealed class ClientPayloadBuilder
{
    private const byte DjbKeyType = 0x05;
    private const uint HistoryStorageQuotaMb = 10240;

    private readonly ClientPayloadOptions _options;

    /// <summary>Creates a builder for one line's options.</summary>
    public ClientPayloadBuilder(ClientPayloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Registration: passive false, pull false, and the device pairing data the server needs for a QR or code pairing.</summary>
    public ClientPayload BuildRegistration(ClientPayloadRegistration keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        RequireLength(keys.IdentityPublicKey, 32, nameof(keys.IdentityPublicKey));
        RequireLength(keys.SignedPreKeyPublic, 32, nameof(keys.SignedPreKeyPublic));
        RequireLength(keys.SignedPreKeySignature, 64, nameof(keys.SignedPreKeySignature));
        if (keys.SignedPreKeyId > 0xFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(keys), keys.SignedPreKeyId, "The signed pre-key id must fit 3 bytes.");
        }

        Span<byte> registrationId = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registrationId, keys.RegistrationId);
        Span<byte> signedPreKeyId = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(signedPreKeyId, keys.SignedPreKeyId);

        var payload = BuildCommon();
        payload.Passive = false;
        payload.Pull = false;
        payload.DevicePairingData = new DevicePairingRegistrationData
        {
            ERegid = ByteString.CopyFrom(registrationId),
            EKeytype = ByteString.CopyFrom([DjbKeyType]),
            EIdent = ByteString.CopyFrom(keys.IdentityPublicKey),
            ESkeyId = ByteString.CopyFrom(signedPreKeyId[1..]),
            ESkeyVal = ByteString.CopyFrom(keys.SignedPreKeyPublic),
            ESkeySig = ByteString.CopyFrom(keys.SignedPreKeySignature),
            BuildHash = ByteString.CopyFrom(MD5.HashData(Encoding.ASCII.GetBytes(_options.Version.ToString()))),
            DeviceProps = BuildDeviceProps().ToByteString(),
        };
        return payload;
    }

    /// <summary>Login: the account's phone number as an integer and this device's id; passive true, pull true.</summary>
    public ClientPayload BuildLogin(ulong user, uint device)
    {
        var payload = BuildCommon();
        payload.Username = user;
        payload.Device = device;
        payload.Passive = true;
        payload.Pull = true;
        payload.LidDbMigrated = false;
        return payload;
    }

    /// <summary>The DeviceProps embedded in the registration payload (what the phone shows for this device).</summary>
    public DeviceProps BuildDeviceProps() => new()
    {
        Os = _options.OsName,
        Version = new DeviceProps.Types.AppVersion
        {
            Primary = _options.OsVersion.Primary,
            Secondary = _options.OsVersion.Secondary,
            Tertiary = _options.OsVersion.Tertiary,
        },
        PlatformType = _options.PlatformType,
        RequireFullSync = _options.RequireFullSync,
        HistorySyncConfig = new DeviceProps.Types.HistorySyncConfig
        {
            StorageQuotaMb = HistoryStorageQuotaMb,
            InlineInitialPayloadInE2EeMsg = true,
            SupportCallLogHistory = false,
            SupportBotUserAgentChatHistory = true,
            SupportCagReactionsAndPolls = true,
            SupportBizHostedMsg = true,
            SupportRecentSyncChunkMessageCountTuning = true,
            SupportHostedGroupMsg = true,
            SupportFbidBotChatHistory = true,
            SupportMessageAssociation = true,
            SupportGroupHistory = false,
        },
    };

    private ClientPayload BuildCommon()
    {
        var payload = new ClientPayload
        {
            ConnectType = ConnectType.WifiUnknown,
            ConnectReason = ConnectReason.UserActivated,
            UserAgent = new UserAgent
            {
                Platform = UserAgent.Types.Platform.Web,
                AppVersion = new UserAgent.Types.AppVersion
                {
                    Primary = _options.Version.Primary,
                    Secondary = _options.Version.Secondary,
                    Tertiary = _options.Version.Tertiary,
                },
                Mcc = "000",
                Mnc = "000",
                OsVersion = "0.1",
                Device = "Desktop",
                OsBuildNumber = "0.1",
                ReleaseChannel = UserAgent.Types.ReleaseChannel.Release,
                LocaleLanguageIso6391 = _options.LanguageCode,
                LocaleCountryIso31661Alpha2 = _options.CountryCode,
            },
            WebInfo = new WebInfo { WebSubPlatform = WebInfo.Types.WebSubPlatform.WebBrowser },
        };
        if (_options.PushName is { Length: > 0 } pushName)
        {
            payload.PushName = pushName;
        }

        return payload;
    }

    private static void RequireLength(byte[] value, int expected, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length != expected)
        {
            throw new ArgumentException($"{name} has length {value.Length} (expected {expected}).", name);
        }
    }
}
