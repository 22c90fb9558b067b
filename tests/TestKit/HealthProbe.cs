using System.Diagnostics;
using System.Net;

namespace WaEngine.TestKit;

/// <summary>Waits until a child process of the tests (the service, a standalone sandbox) answers <c>/health</c>.</summary>
public static class HealthProbe
{
    /// <summary>How long a process may take to start listening.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Returns once <paramref name="http"/> gets 200 from <c>/health</c>. Throws with the process's output when it exits
    /// first (<see cref="InvalidOperationException"/>) or does not answer within <see cref="Limit"/> (<see cref="TimeoutException"/>).
    /// </summary>
    public static async Task WaitAsync(Process process, HttpClient http, string what, Func<string> output)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(http);
        using var limit = new CancellationTokenSource(Limit);
        while (!limit.IsCancellationRequested)
        {
            if (process.HasExited)
            {
                // The parameterless wait returns only once the redirected output has been read to its end.
                process.WaitForExit();
                throw new InvalidOperationException($"The {what} exited with {process.ExitCode}: {output()}");
            }

            try
            {
                if ((await http.GetAsync("/health", limit.Token)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                break;
            }

            // A child process starting up has no event to wait on: ask again shortly.
            await Task.Delay(200, CancellationToken.None);
        }

        throw new TimeoutException($"The {what} did not answer /health within {Limit.TotalSeconds:0} s: {output()}");
    }
}
