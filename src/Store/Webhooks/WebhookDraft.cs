namespace WaEngine.Store.Webhooks;

/// <summary>What a journal row becomes in the outbox: its ordering key and the exact bytes every attempt will send.</summary>
/// <param name="ChatKey">Deliveries with the same key go out one at a time, in journal order (the chat JID, or <c>""</c> for line-wide events).</param>
/// <param name="Body">The JSON body.</param>
public sealed record WebhookDraft(string ChatKey, byte[] Body);
