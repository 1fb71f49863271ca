using Spool.Agent.Host.Jobs;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Fencing;

/// <summary>When the agent of a node takes up a job: step 5 of the job life cycle in docs/design.md.</summary>
public static class StartDecider
{
    public static bool ShouldStart(JobSnapshot job, string node, Func<string, TapeDrive?> drive) =>
        IsInFlightOn(job, node)
        && (job.Kind == JobKind.Restore || job.ActiveDrives.Any())
        && FencingDecider.Decide(job.Epoch, node, job, drive) == FenceDecision.Continue;

    /// <summary>Running on this node at its epoch with no report for that epoch yet.</summary>
    public static bool IsInFlightOn(JobSnapshot job, string node) =>
        !job.Deleting
        && job.Epoch > 0
        && string.Equals(job.Phase, JobSnapshot.RunningPhase, StringComparison.Ordinal)
        && string.Equals(job.Node, node, StringComparison.Ordinal)
        && !job.HasReportFor(job.Epoch);
}
