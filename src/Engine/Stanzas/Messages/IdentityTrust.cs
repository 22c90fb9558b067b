using Microsoft.Extensions.Logging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The one rule for a peer whose identity key changed (reinstall, new phone): the new key is trusted, as WhatsApp
/// clients do (they show "security code changed"), and the cipher step runs once more.
/// </summary>
internal sealed class IdentityTrust(ISignalStore signal, ILogger logger)
{
    /// <summary>
    /// Runs <paramref name="step"/>, trusting a changed identity once: committed to the line's store, or through
    /// <paramref name="store"/> when given (a <see cref="PendingSignalState"/>: the new key is stored with the batch's
    /// sessions, and the step run again reads it there).
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> step, CancellationToken cancellationToken, ISignalStore? store = null)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (SignalException ex) when (ex is { Kind: SignalErrorKind.UntrustedIdentity, Address: { } address, IdentityKey: { } key })
        {
            LineLog.IdentityChanged(logger, address.ToString());
            await (store ?? signal).CommitAsync(SignalStateChange.TrustIdentity(address, key), cancellationToken).ConfigureAwait(false);
            return await step().ConfigureAwait(false);
        }
    }
}
