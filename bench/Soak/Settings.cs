using System.Globalization;

/// <summary>The soak's arguments.</summary>
/// <param name="Root">The repository root (built assemblies are found under it).</param>
/// <param name="Lines">How many lines the service holds.</param>
/// <param name="Peers">How many virtual phones talk to them.</param>
/// <param name="Minutes">How long traffic and faults run.</param>
/// <param name="FaultEvery">The gap between two faults.</param>
/// <param name="MessagesPerSecond">Messages per second each way.</param>
/// <param name="Work">Where data, logs and the report go.</param>
internal sealed record Settings(string Root, int Lines, int Peers, double Minutes, TimeSpan FaultEvery, double MessagesPerSecond, string Work)
{
    public const string Usage = "Usage: Soak --root REPO [--lines 50] [--peers 5] [--minutes 30] [--fault-every 20] [--rate 5] [--work DIR]";

    public static Settings Parse(string[] args)
    {
        string? root = null;
        var lines = 50;
        var peers = 5;
        double minutes = 30;
        double faultEvery = 20;
        double rate = 5;
        string? work = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            switch (args[i])
            {
                case "--root": root = value; break;
                case "--lines": lines = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--peers": peers = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--minutes": minutes = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--fault-every": faultEvery = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--work": work = value; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}. {Usage}");
            }
        }

        if (root is null || lines is < 1 or > 2000 || peers is < 1 or > 100 || minutes <= 0 || faultEvery < 2 || rate is <= 0 or > 500)
        {
            throw new ArgumentException(Usage);
        }

        return new Settings(root, lines, peers, minutes, TimeSpan.FromSeconds(faultEvery), rate, work ?? Path.Combine(Path.GetTempPath(), "waengine-soak-" + Environment.ProcessId));
    }
}
