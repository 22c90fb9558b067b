using WaEngine.Engine.Session;

namespace WaEngine.Engine.Stanzas.Privacy;

/// <summary>
/// Our privacy tokens a send pass issues after its writes (SERVER-RULES R2), gathered so that one iq names many
/// contacts: the contacts of written messages collect until <see cref="PrivacyTokenKeeper.IssueBatch"/> are waiting or
/// the pass has nothing more handed to the loop (its window drained: the end of a round, or a paced message's turn),
/// then go out together in the background. A pass of 200 first messages issues in a handful of iqs instead of 200.
/// Used from the pass's one task; the pass waits for them all as it ends (<see cref="WhenAllAsync"/>).
/// </summary>
internal sealed class PassIssuances(PrivacyTokenKeeper tokens)
{
    private readonly List<string> _waiting = [];
    private readonly List<Task> _running = [];

    /// <summary>
    /// Notes that our token is due to <paramref name="contactKey"/> (its message was written), and issues what waits
    /// when the batch is full or <paramref name="drained"/> (nothing else of the pass is waiting to be written).
    /// </summary>
    public void Add(LineConnection connection, string contactKey, bool drained, CancellationToken cancellationToken)
    {
        _waiting.Add(contactKey);
        if (drained || _waiting.Count >= PrivacyTokenKeeper.IssueBatch)
        {
            Flush(connection, cancellationToken);
        }
    }

    /// <summary>Issues what waits, in the background.</summary>
    public void Flush(LineConnection connection, CancellationToken cancellationToken)
    {
        if (_waiting.Count == 0)
        {
            return;
        }

        _running.Add(tokens.IssueManyAsync(connection, [.. _waiting], cancellationToken));
        _waiting.Clear();
    }

    /// <summary>Waits for every issuance started; a failed one was logged by the keeper.</summary>
    public Task WhenAllAsync() => Task.WhenAll(_running);
}
