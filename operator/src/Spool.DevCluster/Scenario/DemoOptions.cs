namespace Spool.DevCluster.Scenario;

public sealed record DemoOptions
{
    public string Directory { get; init; } = ".spool";

    public long DataBytes { get; init; } = 300L << 20;

    /// <summary>Kill the owner once this fraction of the bytes is done.</summary>
    public double KillAt { get; init; } = 0.35;

    public long CheckpointBytes { get; init; } = 16L << 20;

    public int CheckpointSeconds { get; init; } = 2;

    public bool Keep { get; init; }

    public bool? Interactive { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}
