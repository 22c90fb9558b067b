using WaEngine.Engine.Events;

namespace WaEngine.TestKit;

/// <summary>
/// Reads a line's events in order and waits for the next one that matches, under one timeout — no polling, no sleeps.
/// </summary>
public sealed class EventWaiter(LineSubscription subscription) : IDisposable
{
    /// <summary>How long any one wait may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The next event of type <typeparamref name="T"/> matching <paramref name="match"/>; earlier ones are skipped.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? match = null)
        where T : LineEvent
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (await subscription.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
            {
                while (subscription.Reader.TryRead(out var next))
                {
                    if (next is T found && (match is null || match(found)))
                    {
                        return found;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No {typeof(T).Name} within {Timeout.TotalSeconds:0} s.");
        }

        throw new InvalidOperationException($"The line's events ended before a {typeof(T).Name}.");
    }

    /// <inheritdoc />
    public void Dispose() => subscription.Dispose();
}
