using WaEngine.Engine.Messaging;
using WaEngine.Engine.Storage;

namespace WaEngine.Api.Tests.Messages;

/// <summary>The lookups the send composer makes, over a list of messages and LID mappings; every write is refused.</summary>
internal sealed class FakeMessageStore(IEnumerable<MessageRecord> messages, IReadOnlyDictionary<string, string>? lidToPn = null) : IMessageStore
{
    private readonly List<MessageRecord> _messages = messages.ToList();
    private readonly IReadOnlyDictionary<string, string> _lidToPn = lidToPn ?? new Dictionary<string, string>();

    public Task<MessageRecord?> FindInChatAsync(string chatJid, string msgId, CancellationToken cancellationToken) =>
        Task.FromResult(_messages.FirstOrDefault(m => m.ChatJid == chatJid && m.MsgId == msgId));

    public Task<MessageRecord?> FindAsync(string msgId, CancellationToken cancellationToken) =>
        Task.FromResult(_messages.FirstOrDefault(m => m.MsgId == msgId));

    public Task<string?> FindPnForLidAsync(string lidJid, CancellationToken cancellationToken) =>
        Task.FromResult(_lidToPn.TryGetValue(lidJid, out var pn) ? pn : null);

    public Task<string?> FindLidForPnAsync(string pnJid, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(_lidToPn.FirstOrDefault(p => p.Value == pnJid).Key);

    public Task<bool> SaveInboundAsync(ISignalStoreTransaction? transaction, MessageRecord message, CancellationToken cancellationToken) => throw Refused();

    public Task SaveOutboundAsync(MessageRecord message, string toJid, DateTimeOffset expiresAt, CancellationToken cancellationToken) => throw Refused();

    public Task<IReadOnlyList<OutboundEntry>> PendingOutboundAsync(CancellationToken cancellationToken) => throw Refused();

    public Task MarkSendingAsync(string msgId, DateTimeOffset at, CancellationToken cancellationToken) => throw Refused();

    public Task<bool> UpdateStatusAsync(string msgId, MessageStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken) => throw Refused();

    public Task<IReadOnlyList<ChatSummary>> ListChatsAsync(int limit, CancellationToken cancellationToken) => throw Refused();

    public Task<IReadOnlyList<MessageRecord>> HistoryAsync(string chatJid, int limit, CancellationToken cancellationToken) => throw Refused();

    public Task<IReadOnlyList<MessageRecord>> RecentAsync(int limit, CancellationToken cancellationToken) => throw Refused();

    public Task MarkChatReadAsync(string chatJid, CancellationToken cancellationToken) => throw Refused();

    public Task SaveLidMappingAsync(string lidJid, string pnJid, CancellationToken cancellationToken) => throw Refused();

    public Task<DeviceList?> GetDeviceListAsync(string userJid, CancellationToken cancellationToken) => throw Refused();

    public Task SaveDeviceListAsync(DeviceList devices, CancellationToken cancellationToken) => throw Refused();

    public Task ForgetDeviceListAsync(string userJid, CancellationToken cancellationToken) => throw Refused();

    public Task<PrivacyTokenState?> GetPrivacyTokenAsync(string contactJid, CancellationToken cancellationToken) => throw Refused();

    public Task SavePrivacyTokenAsync(string contactJid, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken) => throw Refused();

    public Task SaveTokenIssuedAsync(string contactJid, DateTimeOffset issuedAt, CancellationToken cancellationToken) => throw Refused();

    private static NotSupportedException Refused() => new("The composer only reads messages.");
}
