using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// The operator's part of CSISnapshot mode. While a BackupJob is Running at epoch E and the agent's VolumeSnapshot
/// for E is readyToUse, the job has a claim cloned from that snapshot and a helper pod on its node that mounts the
/// clone read-only; the agent reads the helper's mount. Helper pods, clones and snapshots of earlier epochs, and all
/// of them once the job is no longer Running, are deleted. Pure: the same observation gives the same actions.
/// </summary>
public static class SnapshotCloneDecider
{
    public const string SnapshotCloned = "SnapshotCloned";

    public static IReadOnlyList<OperatorAction> Decide(SnapshotCloneObservation observation)
    {
        var job = observation.Job;
        var jobRef = BackupJobDecider.RefOf(job);
        var status = job.Status;
        long? active = status is { Phase: BackupPhase.Running, Node: not null }
            && job.Metadata.DeletionTimestamp is null
            && job.Spec.Source.Snapshot?.Mode == SnapshotMode.CSISnapshot
            ? status.Epoch
            : null;

        // An object of a later epoch than the one observed is left alone: only a stale cache can show it.
        bool Stale(ObjectMeta metadata) => active is not { } epoch || SnapshotClones.EpochOf(metadata) is not { } made || made < epoch;

        var actions = new List<OperatorAction>();
        var pods = observation.HelperPods.Where(p => SnapshotClones.IsForJob(p.Metadata, SnapshotClones.CloneLabel, jobRef)).ToList();
        var claims = observation.CloneClaims.Where(c => SnapshotClones.IsForJob(c.Metadata, SnapshotClones.CloneLabel, jobRef)).ToList();
        var snapshots = observation.Snapshots.Where(s => SnapshotClones.IsForJob(s.Metadata, SnapshotClones.SnapshotForLabel, jobRef)).ToList();

        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            // A helper on another node, or one that ended, is of no use to the agent; the next pass starts a new one.
            var misplaced = pod.Spec.NodeName != status?.Node || pod.Status?.Phase is "Succeeded" or "Failed";
            if (Stale(pod.Metadata) || misplaced)
            {
                actions.Add(Delete(jobRef, SnapshotObjectKind.HelperPod, pod.Metadata));
            }
        }

        foreach (var claim in claims.Where(c => c.Metadata.DeletionTimestamp is null && Stale(c.Metadata)))
        {
            actions.Add(Delete(jobRef, SnapshotObjectKind.CloneClaim, claim.Metadata));
        }

        foreach (var snapshot in snapshots.Where(s => s.Metadata.DeletionTimestamp is null && Stale(s.Metadata)))
        {
            actions.Add(Delete(jobRef, SnapshotObjectKind.VolumeSnapshot, snapshot.Metadata));
        }

        if (active is not { } current || observation.SourceClaim is not { } source)
        {
            return actions;
        }

        var snapshotName = SnapshotClones.SnapshotName(jobRef.Name, current);
        var ready = snapshots.FirstOrDefault(s => s.Metadata.Name == snapshotName && s.Metadata.DeletionTimestamp is null && s.Status?.ReadyToUse == true);
        if (ready is null)
        {
            return actions;
        }

        var apiVersion = job.ApiVersion ?? SpoolGroup.ApiVersion;
        var cloneName = SnapshotClones.CloneName(jobRef.Name, current);
        if (!claims.Any(c => c.Metadata.Name == cloneName))
        {
            actions.Add(new CreateSnapshotClone(jobRef, SnapshotClones.BuildClaim(jobRef, apiVersion, current, source, ready)));
        }

        if (!pods.Any(p => p.Metadata.Name == cloneName))
        {
            actions.Add(new CreateSnapshotHelper(jobRef, SnapshotClones.BuildPod(jobRef, apiVersion, current, status!.Node!, observation.HelperImage)));
            var regarding = new ObjectReference { ApiVersion = apiVersion, Kind = BackupJob.KindValue, Namespace = jobRef.Namespace, Name = jobRef.Name, Uid = jobRef.Uid };
            actions.Add(new RecordEvent(regarding, RecordEvent.Normal, SnapshotCloned, $"VolumeSnapshot {snapshotName} is ready; claim {cloneName} clones it and pod {cloneName} mounts it read-only on node {status.Node} for epoch {current}"));
        }

        return actions;
    }

    private static DeleteSnapshotObject Delete(JobRef job, SnapshotObjectKind kind, ObjectMeta metadata) =>
        new(job, kind, metadata.Namespace ?? job.Namespace, metadata.Name ?? "");
}
