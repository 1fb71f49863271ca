using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Jobs;

/// <summary>The agent-owned status fields to set in one write; null leaves a field as it is.</summary>
public sealed record AgentWrite
{
    public CheckpointRecord? Checkpoint { get; init; }

    public JobProgress? Progress { get; init; }

    public AgentReport? Report { get; init; }

    public IReadOnlyList<string>? Warnings { get; init; }

    public IReadOnlyList<string>? FailedFiles { get; init; }
}
