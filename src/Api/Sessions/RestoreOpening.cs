namespace WaEngine.Api.Sessions;

/// <summary>How many lines a restore opens at once (their databases, their actors): a few per core.</summary>
internal static class RestoreOpening
{
    /// <summary>The parallel options of a restore's opening loop.</summary>
    public static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Math.Max(4, 2 * Environment.ProcessorCount), CancellationToken = cancellationToken };
}
