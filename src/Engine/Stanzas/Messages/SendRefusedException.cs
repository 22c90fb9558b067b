namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>A message cannot be sent at all (no devices, no keys): it fails instead of waiting in the queue.</summary>
public sealed class SendRefusedException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public SendRefusedException(string message)
        : base(message)
    {
    }
}
