using Spool.Agent.Host.Jobs;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Fencing;

/// <summary>
/// The pure fencing rule of docs/design.md: the agent of epoch E on node N may write only while the job is Running
/// at E on N and every drive it holds names (job, E) as holder.
/// </summary>
public static class FencingDecider
{
    /// <param name="epoch">The epoch the agent acts on.</param>
    /// <param name="node">The agent's node.</param>
    /// <param name="observed">The job as last read; null when it is gone.</param>
    /// <param name="drive">Looks a TapeDrive up by name; null when it does not exist.</param>
    public static FenceDecision Decide(long epoch, string node, JobSnapshot? observed, Func<string, TapeDrive?> drive)
    {
        if (observed is null)
        {
            return FenceDecision.Fence(FenceReasons.JobDeleted, "the job no longer exists");
        }

        if (observed.Deleting)
        {
            return FenceDecision.Fence(FenceReasons.JobDeleted, "the job is being deleted");
        }

        if (observed.Epoch != epoch)
        {
            return FenceDecision.Fence(FenceReasons.EpochChanged, $"the job moved to epoch {observed.Epoch}, this agent holds epoch {epoch}");
        }

        if (!string.Equals(observed.Node, node, StringComparison.Ordinal))
        {
            return FenceDecision.Fence(FenceReasons.NodeChanged, $"the job is assigned to node {observed.Node ?? "<none>"}");
        }

        if (!string.Equals(observed.Phase, JobSnapshot.RunningPhase, StringComparison.Ordinal))
        {
            return FenceDecision.Fence(FenceReasons.NotRunning, $"the job is {observed.Phase ?? "<no phase>"}");
        }

        foreach (var held in observed.ActiveDrives)
        {
            var lost = ClaimProblem(observed, epoch, held.Name, drive(held.Name));
            if (lost is not null)
            {
                return FenceDecision.Fence(FenceReasons.DriveClaimLost, lost);
            }
        }

        return FenceDecision.Continue;
    }

    /// <summary>Null when the drive is held by (job, epoch); otherwise why not.</summary>
    public static string? ClaimProblem(JobSnapshot job, long epoch, string driveName, TapeDrive? drive)
    {
        if (drive is null)
        {
            return $"drive {driveName} does not exist";
        }

        var holder = drive.Status?.Holder;
        if (holder is null)
        {
            return $"drive {driveName} has no holder";
        }

        if (!string.Equals(holder.Job, job.Key, StringComparison.Ordinal)
            || !string.Equals(holder.Kind, job.KindName, StringComparison.Ordinal)
            || (holder.JobUid is not null && job.Uid is not null && !string.Equals(holder.JobUid, job.Uid, StringComparison.Ordinal)))
        {
            return $"drive {driveName} is held by {holder.Kind} {holder.Job}";
        }

        if (holder.Epoch != epoch)
        {
            return $"drive {driveName} is held at epoch {holder.Epoch}";
        }

        return null;
    }
}
