namespace WaEngine.Engine.Binary;

/// <summary>The JID servers (the part after '@') the protocol uses.</summary>
public static class JidServers
{
    /// <summary>Phone-number users ("PN").</summary>
    public const string WhatsApp = "s.whatsapp.net";

    /// <summary>LID users (opaque numeric ids); AD_JID domain type 1.</summary>
    public const string Lid = "lid";

    /// <summary>Groups.</summary>
    public const string Group = "g.us";

    /// <summary>Broadcast lists and Status (<c>status@broadcast</c>).</summary>
    public const string Broadcast = "broadcast";

    /// <summary>Channels.</summary>
    public const string Newsletter = "newsletter";

    /// <summary>The legacy user server, equivalent to <see cref="WhatsApp"/>.</summary>
    public const string LegacyUser = "c.us";

    /// <summary>Business-hosted phone-number devices; AD_JID domain type 128.</summary>
    public const string Hosted = "hosted";

    /// <summary>Business-hosted LID devices; AD_JID domain type 129.</summary>
    public const string HostedLid = "hosted.lid";

    /// <summary>Bots.</summary>
    public const string Bot = "bot";

    /// <summary>Messenger users (FB_JID on the wire).</summary>
    public const string Messenger = "msgr";

    /// <summary>Interop users (INTEROP_JID on the wire).</summary>
    public const string Interop = "interop";
}
