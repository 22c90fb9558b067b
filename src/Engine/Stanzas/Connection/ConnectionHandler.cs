using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Connection;

/// <summary>
/// The connection family: <c>success</c>, <c>failure</c>, <c>stream:error</c>, the end of the stream and the server's
/// pings, each turned into a decision. Called only on the line's loop.
/// </summary>
internal sealed class ConnectionHandler(LineOptions options, ICredentialStore store, ILogger logger)
{
    /// <summary>
    /// <c>success</c>: the login is accepted (our LID saved if the server names a new one). Like WhatsApp clients, the
    /// line reports connected only after its prekeys are on the server and it left passive mode: the count is asked
    /// here, the rest follows from <see cref="LineMail.PreKeyCountKnown"/>.
    /// </summary>
    public async Task<StanzaOutcome> HandleSuccessAsync(Node success, LineContext context)
    {
        if (context.Paired is not { } credentials || context.Connection is not { } connection)
        {
            return StanzaOutcome.None;
        }

        DeviceCredentials? changed = null;
        if (success.Attr("lid") is { Length: > 0 } lid && lid != credentials.Lid)
        {
            changed = credentials with { Lid = lid };
            await store.SaveAsync(changed, context.Lifetime).ConfigureAwait(false);
        }

        var generation = context.Generation;
        return new StanzaOutcome
        {
            Credentials = changed,
            Decision = new LineDecision.LoggedIn("logged_in"),
            Work =
            [
                new BackgroundWork("after_login", async (mailbox, cancellationToken) =>
                {
                    LineMail next;
                    try
                    {
                        var answer = await connection.QueryAsync(ConnectionStanzas.BuildPreKeyCount(connection.NextId()), options.IqTimeout, cancellationToken).ConfigureAwait(false);
                        var reader = new AttributeReader(answer.RequiredChild("count"));
                        var value = reader.Int64("value");
                        reader.ThrowIfInvalid();
                        next = new LineMail.PreKeyCountKnown(generation, (int)Math.Clamp(value, 0, int.MaxValue), AfterLogin: true);
                    }
                    catch (LineException ex) when (ex.Kind == LineErrorKind.Timeout)
                    {
                        LineLog.FlowFailed(logger, "after_login", ex.Message);
                        next = new LineMail.LoginUnanswered(generation, ex.Message);
                    }
                    catch (Exception ex) when (ex is WaEngineException or ChannelClosedException or IOException)
                    {
                        // An answer, even a refusal, shows the server alive: settle, the server asks for prekeys when low.
                        LineLog.FlowFailed(logger, "after_login", ex.Message);
                        next = new LineMail.LoginSettled(generation);
                    }

                    await mailbox.PostAsync(next, cancellationToken).ConfigureAwait(false);
                }),
            ],
        };
    }

    /// <summary>
    /// Logout: asks the server to remove this companion (waiting at most <see cref="LineOptions.LogoutTimeout"/>; a
    /// refusal or silence is logged), then reports <see cref="LineMail.LogoutAnswered"/> so the line wipes itself.
    /// </summary>
    public StanzaOutcome RemoveThisDevice(LineContext context, TaskCompletionSource done)
    {
        if (context.Paired is not { Me: { } me } || context.Connection is not { } connection)
        {
            return StanzaOutcome.None;
        }

        var generation = context.Generation;
        return StanzaOutcome.Run("logout", async (mailbox, cancellationToken) =>
        {
            try
            {
                await connection.QueryAsync(ConnectionStanzas.BuildRemoveCompanionDevice(connection.NextId(), me), options.LogoutTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (LineException ex)
            {
                LineLog.FlowFailed(logger, "logout", ex.Message);
            }

            await mailbox.PostAsync(new LineMail.LogoutAnswered(generation, done), cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary><c>failure</c>: 401, 403 and 406 mean this device is gone; anything else is worth another attempt.</summary>
    public static StanzaOutcome HandleFailure(Node failure)
    {
        var reason = failure.Attr("reason") ?? "unknown";
        return StanzaOutcome.Decide(reason is "401" or "403" or "406"
            ? new LineDecision.LoggedOut($"failure_{reason}")
            : new LineDecision.Reconnect($"failure_{reason}"));
    }

    /// <summary><c>stream:error</c>: 515 restarts at once, device removed logs out, replaced fails, the rest reconnect.</summary>
    public StanzaOutcome HandleStreamError(Node node)
    {
        var error = StreamErrorInfo.Parse(node);
        LineLog.StreamError(logger, error.ToString());
        LineDecision decision = error switch
        {
            { IsRestartRequired: true } => new LineDecision.RestartNow("restart_required"),
            { IsDeviceRemoved: true } => new LineDecision.LoggedOut("device_removed"),
            { IsReplaced: true } => new LineDecision.Failed("conflict"),
            _ => new LineDecision.Reconnect($"stream_error_{error.Code ?? error.FirstChildTag ?? "unknown"}"),
        };
        return StanzaOutcome.Decide(decision);
    }

    /// <summary>The server ended the stream without an error.</summary>
    public static StanzaOutcome HandleStreamEnd() => StanzaOutcome.Decide(new LineDecision.Reconnect("stream_end"));

    /// <summary>The server's own ping: answered at once.</summary>
    public static StanzaOutcome HandlePing(Node iq) => StanzaOutcome.Reply(ConnectionStanzas.BuildIqResult(iq.Attr("id") ?? ""));
}
