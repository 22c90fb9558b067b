namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R18: many lines logging in at the same instant from one address look like abuse. The sandbox (one address: its
/// clients share it) counts the logins of the last second and notices, without refusing, every login beyond
/// <c>limit</c> in one second (a restore that is not spread out). Thread-safe.
/// </summary>
public sealed class LoginPace(int limit, RuleBook rules, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Lock _gate = new();

    /// <summary>Records a login by <paramref name="client"/> and notices R18 when it is one too many for the last second.</summary>
    public void Record(string client)
    {
        var now = time.GetUtcNow();
        int count;
        lock (_gate)
        {
            while (_recent.Count > 0 && now - _recent.Peek() >= Window)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(now);
            count = _recent.Count;
        }

        if (count > limit)
        {
            rules.Notice(ServerRule.R18, client, $"login {count} within one second (more than {limit}): restores should be spread out");
        }
    }
}
