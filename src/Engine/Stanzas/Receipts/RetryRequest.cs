using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Receipts;

/// <summary>A device asked (with a retry receipt) for one of our messages again.</summary>
/// <param name="Message">Our stored message.</param>
/// <param name="Device">The device that could not decrypt it.</param>
/// <param name="Keys">The bundle the receipt carried, or null (then a fresh one is fetched).</param>
/// <param name="Count">The device's retry count.</param>
internal sealed record RetryRequest(MessageRecord Message, Jid Device, PreKeyBundle? Keys, int Count);
