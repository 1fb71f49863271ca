namespace Spool.EndToEnd.Tests;

/// <summary>Sizes and intervals of the end-to-end scenarios: small data, short checkpoint intervals, throttled agents.</summary>
public static class EndToEndSettings
{
    public const long DataBytes = 32L << 20;

    /// <summary>The smallest interval the API allows, so that a failover re-sends little and the bound is checked tightly.</summary>
    public const long CheckpointBytes = 1L << 20;

    public const int CheckpointSeconds = 1;

    /// <summary>Agent CPU limit: makes a 32 MiB backup take long enough to fail it mid-stream.</summary>
    public const double AgentCpuLimit = 0.5;

    public static readonly TimeSpan BackupTimeout = TimeSpan.FromSeconds(150);

    public static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(90);
}
