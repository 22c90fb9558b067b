using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Presence;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Typing before a paced text (<see cref="Messaging.SendPacing.TypingPerChar"/>): sends <paramref name="state"/> to
/// <paramref name="chatJid"/> from the send pass; false when the line can no longer send (the pass then ends).
/// </summary>
internal delegate Task<bool> PacedTyping(LineMailbox mailbox, string chatJid, ChatState state, CancellationToken cancellationToken);

/// <summary>The send pass's typing, run on the line's loop by its presence handler (as the API's typing is).</summary>
internal static class PacedTypingOnLoop
{
    /// <summary>Typing through <paramref name="presence"/>, which subscribes to the contact first on a new connection.</summary>
    public static PacedTyping Through(PresenceHandler presence) => async (mailbox, chatJid, state, cancellationToken) =>
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await mailbox.PostAsync(new LineMail.Converse(context => presence.SendChatStateAsync(chatJid, state, context), done), cancellationToken).ConfigureAwait(false);
        try
        {
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (LineException)
        {
            return false;
        }
    };
}
