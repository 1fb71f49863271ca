using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>What a failover hands to the re-placement of the same decision.</summary>
internal sealed record FailoverContext(
    string Reason,
    string Message,
    string? FromNode,
    long FromEpoch,
    IReadOnlySet<string> ExcludedDrives,
    CheckpointRecord? ResumeFrom,
    string ProgressReason,
    string ProgressMessage);
