using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Proto;
using WaEngine.Sandbox.Phone;
using WaEngine.Store;
using WaEngine.Store.Messages;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Stanzas.Privacy;

/// <summary>The cstoken fallback (R2): the NCT salt read from our phone's history bootstrap, and the token computed from it.</summary>
public sealed class NctSaltTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void R2_the_cstoken_is_hmac_sha256_under_the_salt_over_the_bare_lid_and_none_for_a_phone_number()
    {
        var salt = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes("99887766@lid")), NctSalt.CsToken(salt, "99887766:3@lid"));
        Assert.Null(NctSalt.CsToken(salt, "15550000009@s.whatsapp.net"));
        Assert.Null(NctSalt.CsToken(salt, "not a jid"));
    }

    [Fact]
    public async Task R2_the_salt_of_the_phones_history_bootstrap_is_stored_and_an_unreadable_payload_changes_nothing()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), None);
        var store = new SqliteMessageStore(database);
        var salt = RandomNumberGenerator.GetBytes(32);

        var garbage = VirtualPhones.HistoryBootstrap(salt).ProtocolMessage.HistorySyncNotification.Clone();
        garbage.InitialHistBootstrapInlinePayload = ByteString.CopyFrom(1, 2, 3, 4);
        await NctSalt.StoreFromAsync(garbage, store, NullLogger.Instance, None);
        await NctSalt.StoreFromAsync(new Message.Types.HistorySyncNotification { DirectPath = "/v/t62/blob" }, store, NullLogger.Instance, None);
        Assert.Null(await store.GetNctSaltAsync(None));

        await NctSalt.StoreFromAsync(VirtualPhones.HistoryBootstrap(salt).ProtocolMessage.HistorySyncNotification, store, NullLogger.Instance, None);
        Assert.Equal(salt, await store.GetNctSaltAsync(None));
    }
}
