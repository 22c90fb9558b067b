namespace WaEngine.Sandbox.Protocol;

/// <summary>The faults armed on one device; counters are consumed as stanzas pass. Thread-safe.</summary>
internal sealed class DeviceFaults
{
    private readonly Lock _gate = new();
    private int _delayCount;
    private int _delayMs;
    private int _dropCount;
    private int _errorAckCount;
    private int _errorAckCode = 463;
    private int _corruptCount;
    private int _muteCount;
    private int _loseCount;
    private long _silentUntilTicks;
    private int _failKeyFetchCount;
    private int _failKeyFetchCode = 500;

    public void Arm(FaultKind kind, int count, int ms, int? code) => Arm(kind, count, ms, code, DateTimeOffset.MinValue);

    /// <summary>
    /// Arms <paramref name="kind"/>; a <see cref="FaultKind.Mute"/> with <paramref name="ms"/> above zero silences the
    /// device's connections from <paramref name="now"/> for that long (count is then not used), one with zero ms
    /// ignores the device's next <paramref name="count"/> stanzas (and ends any silence).
    /// </summary>
    public void Arm(FaultKind kind, int count, int ms, int? code, DateTimeOffset now)
    {
        lock (_gate)
        {
            switch (kind)
            {
                case FaultKind.Mute when ms > 0:
                    _muteCount = 0;
                    Volatile.Write(ref _silentUntilTicks, (now + TimeSpan.FromMilliseconds(ms)).UtcTicks);
                    break;
                case FaultKind.Delay:
                    _delayCount = count;
                    _delayMs = ms;
                    break;
                case FaultKind.DropStanzas:
                    _dropCount = count;
                    break;
                case FaultKind.ErrorAck:
                    _errorAckCount = count;
                    _errorAckCode = code ?? 463;
                    break;
                case FaultKind.CorruptNext:
                    _corruptCount = count;
                    break;
                case FaultKind.Mute:
                    _muteCount = count;
                    Volatile.Write(ref _silentUntilTicks, 0);
                    break;
                case FaultKind.LoseMessage:
                    _loseCount = count;
                    break;
                case FaultKind.FailKeyFetch:
                    _failKeyFetchCount = count;
                    _failKeyFetchCode = code ?? 500;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a per-stanza fault.");
            }
        }
    }

    /// <summary>Whether to drop the next outgoing stanza.</summary>
    public bool TakeDrop() => Take(ref _dropCount);

    /// <summary>How long to hold the next outgoing stanza (zero for none).</summary>
    public TimeSpan TakeDelay() => Take(ref _delayCount) ? TimeSpan.FromMilliseconds(Volatile.Read(ref _delayMs)) : TimeSpan.Zero;

    /// <summary>The error code to answer the next message send with, or null to route it.</summary>
    public int? TakeErrorAck() => Take(ref _errorAckCount) ? Volatile.Read(ref _errorAckCode) : null;

    /// <summary>Whether to corrupt the next delivered message.</summary>
    public bool TakeCorrupt() => Take(ref _corruptCount);

    /// <summary>Whether to ignore the next stanza the device sent.</summary>
    public bool TakeMute() => Take(ref _muteCount);

    /// <summary>
    /// Whether the server is silent toward the device at <paramref name="now"/> (a mute with a duration): what the device
    /// sends is ignored and nothing is sent to it; the connection stays open.
    /// </summary>
    public bool IsSilent(DateTimeOffset now) => now.UtcTicks < Volatile.Read(ref _silentUntilTicks);

    /// <summary>Whether to lose the next message the device sends to another account.</summary>
    public bool TakeLoseMessage() => Take(ref _loseCount);

    /// <summary>The error code to answer the device's next prekey fetch with, or null to answer it.</summary>
    public int? TakeFailKeyFetch() => Take(ref _failKeyFetchCount) ? Volatile.Read(ref _failKeyFetchCode) : null;

    private bool Take(ref int counter)
    {
        lock (_gate)
        {
            if (counter <= 0)
            {
                return false;
            }

            counter--;
            return true;
        }
    }
}
