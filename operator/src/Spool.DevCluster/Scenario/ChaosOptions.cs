namespace Spool.DevCluster.Scenario;

public sealed record ChaosOptions
{
    public string Directory { get; init; } = ".spool/chaos";

    public long DataBytes { get; init; } = 1L << 30;

    public int Faults { get; init; } = 20;

    public int Seed { get; init; } = 7;

    public long CheckpointBytes { get; init; } = 32L << 20;

    public int CheckpointSeconds { get; init; } = 2;

    /// <summary>Agent CPU limit, so that the backup lasts through every fault.</summary>
    public double? AgentCpuLimit { get; init; } = 0.5;

    /// <summary>How long a fault may keep the job from streaming before the soak fails.</summary>
    public TimeSpan ResumeTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(40);
}
