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

    /// <summary>
    /// <c>failure</c>: whether to come back, as whatsmeow decides (SERVER-RULES R9). 401 (logged out), 403 (locked) and
    /// 406 (banned) mean this device is gone: logged out, credentials wiped. 402 is a temporary ban with <c>expire</c>
    /// seconds to wait (<c>code</c> says why); 405 is an outdated client (R8); 409 a refused user agent. 500 and 503 are the
    /// server's trouble and are worth another attempt with backoff; any other code ends the attempt with
    /// <c>failure_&lt;code&gt;</c> (no reconnect).
    /// </summary>
    public static StanzaOutcome HandleFailure(Node failure)
    {
        var reason = failure.Attr("reason") ?? "unknown";
        LineDecision decision = reason switch
        {
            "401" => new LineDecision.LoggedOut("failure_401"),
            "403" or "406" => new LineDecision.LoggedOut("banned"),
            "402" => new LineDecision.TemporarilyBanned("temporarily_banned", ReadExpire(failure), failure.Attr("code")),
            "405" => new LineDecision.ClientOutdated("client_outdated"),
            "409" => new LineDecision.Failed("bad_user_agent"),
            "500" or "503" => new LineDecision.Reconnect($"failure_{reason}"),
            _ => new LineDecision.Failed($"failure_{reason}"),
        };
        return StanzaOutcome.Decide(decision);
    }

    /// <summary>A 402's <c>expire</c>: whole seconds from now (as whatsmeow reads it); null when absent or not a positive number.</summary>
    private static TimeSpan? ReadExpire(Node failure) =>
        long.TryParse(failure.Attr("expire"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 366L * 24 * 3600
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>
    /// <c>passkey_prologue_request</c> while linking: WhatsApp wants the user's passkey before it links this companion
    /// (SERVER-RULES R12). Only the user's own device can make that assertion, so a headless line cannot go on: it fails
    /// with <c>passkey_required</c> rather than show QR codes nobody can complete.
    /// </summary>
    public static StanzaOutcome HandlePasskeyRequest(LineContext context) =>
        context.Credentials is { IsPaired: false }
            ? StanzaOutcome.Decide(new LineDecision.Failed("passkey_required"))
            : StanzaOutcome.None;

    /// <summary>
    /// <c>stream:error</c>: 515 restarts at once, device removed logs out, replaced (another connection of this device
    /// took over, R19) fails for good with <c>replaced</c>, the rest reconnect.
    /// </summary>
    public StanzaOutcome HandleStreamError(Node node)
    {
        var error = StreamErrorInfo.Parse(node);
        LineLog.StreamError(logger, error.ToString());
        LineDecision decision = error switch
        {
            { IsRestartRequired: true } => new LineDecision.RestartNow("restart_required"),
            { IsDeviceRemoved: true } => new LineDecision.LoggedOut("device_removed"),
            { IsReplaced: true } => new LineDecision.Failed("replaced"),
            _ => new LineDecision.Reconnect($"stream_error_{error.Code ?? error.FirstChildTag ?? "unknown"}"),
        };
        return StanzaOutcome.Decide(decision);
    }

    /// <summary>The server ended the stream without an error.</summary>
    public static StanzaOutcome HandleStreamEnd() => StanzaOutcome.Decide(new LineDecision.Reconnect("stream_end"));

    /// <summary>The server's own ping: answered at once.</summary>
    public static StanzaOutcome HandlePing(Node iq) => StanzaOutcome.Reply(ConnectionStanzas.BuildIqResult(iq.Attr("id") ?? ""));
}
