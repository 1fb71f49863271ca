using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// Decides what to do with one RestoreJob: resolve the backup, place the restore where the target volume is mounted
/// now (or on the named node), claim the backup's drives, and apply the same failover rules as a backup. A target that
/// nothing mounts is brought up by a mounter pod, on spec.placement.nodeName when it is set.
/// </summary>
public static class RestoreJobDecider
{
    public const string BackupNotFound = "BackupNotFound";
    public const string BackupNotComplete = "BackupNotComplete";
    public const string ClaimCreating = "ClaimCreating";

    public static IReadOnlyList<OperatorAction> Decide(RestoreJobObservation observation)
    {
        var job = observation.Job;
        var cluster = observation.Cluster;
        var jobRef = RefOf(job);
        var spec = job.Spec;
        var original = job.Status ?? new RestoreJobStatus();
        var extra = new List<OperatorAction>();
        (string Reason, string Message, bool Stalled)? problem = null;

        var backup = original.Backup;
        if (backup is null)
        {
            var resolved = ResolveSource(spec.Source, observation.Backups);
            if (resolved.Catalog is null)
            {
                problem = (resolved.Reason!, resolved.Message!, resolved.Reason == BackupNotFound);
            }

            backup = resolved.Catalog;
        }

        var target = spec.Target;
        var claimName = target?.PersistentVolumeClaim ?? target?.NewClaim?.Name;
        var isRunning = original.Phase == RestorePhase.Running;
        OwnerResolution owner;
        var placement = spec.Placement ?? new RestorePlacement();
        if (target is null)
        {
            problem ??= (BackupJobDecider.InvalidSpec, "spec.target is required for a single-volume restore", true);
            owner = OwnerResolution.Wait(BackupJobDecider.InvalidSpec, "no target");
        }
        else if (new[] { target.PersistentVolumeClaim is not null, target.NewClaim is not null, target.NodePath is not null }.Count(x => x) != 1)
        {
            problem ??= (BackupJobDecider.InvalidSpec, "spec.target takes exactly one of persistentVolumeClaim, newClaim or nodePath", true);
            owner = OwnerResolution.Wait(BackupJobDecider.InvalidSpec, "no target");
        }
        else if (placement.Mode == RestorePlacementMode.Node && string.IsNullOrEmpty(placement.NodeName))
        {
            problem ??= (BackupJobDecider.InvalidSpec, "spec.placement.nodeName is required with mode Node", true);
            owner = OwnerResolution.Wait(BackupJobDecider.InvalidSpec, "no node");
        }
        else if (target.NodePath is { } nodePath)
        {
            owner = new OwnerResolution { Node = nodePath.Node, Resolution = "Named" };
        }
        else if (placement.Mode == RestorePlacementMode.Node)
        {
            owner = new OwnerResolution { Node = placement.NodeName, Resolution = "Named" };
        }
        else
        {
            if (target.NewClaim is { } template && observation.Claim is null && !isRunning)
            {
                extra.Add(new CreateClaim(jobRef, NewClaim(job, template)));
                problem ??= (ClaimCreating, $"creating PersistentVolumeClaim {jobRef.Namespace}/{template.Name}", false);
            }

            owner = OwnerResolver.Resolve(
                new OwnerQuery
                {
                    Namespace = jobRef.Namespace,
                    ClaimName = claimName!,
                    Claim = observation.Claim,
                    Volume = observation.Volume,
                    Pods = observation.Pods,
                    Attachments = observation.Attachments,
                    PreferredNode = isRunning ? original.Node : original.Target?.Node,
                    MounterPod = MounterPods.NameFor(jobRef),
                },
                cluster);
        }

        var status = ToBackupShape(original);
        var frame = new JobFrame
        {
            Job = jobRef,
            Regarding = new ObjectReference { ApiVersion = job.ApiVersion ?? SpoolGroup.ApiVersion, Kind = RestoreJob.KindValue, Namespace = jobRef.Namespace, Name = jobRef.Name, Uid = jobRef.Uid },
            Generation = job.Metadata.Generation ?? 1,
            ResourceVersion = job.Metadata.ResourceVersion,
            Created = job.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue,
            Deleting = job.Metadata.DeletionTimestamp is not null,
            HasFinalizer = job.Metadata.Finalizers?.Contains(SpoolGroup.Finalizer) == true,
            NodeLabel = job.Metadata.Labels?.GetValueOrDefault(SpoolGroup.NodeLabel),
            Priority = 0,
            RestartPolicy = RestartPolicy.Checkpoint,
            BackoffLimit = 3,
            Status = status,
            Problem = problem,
            Owner = owner,
            Demand = backup is null ? new DriveDemand([], 1, "the backup's drives") : Demand(backup, cluster),
            MounterPod = MounterPods.Find(observation.Pods, jobRef),
            NewMounterPod = claimName is not null && placement.Mode == RestorePlacementMode.WhereTargetRuns && target?.NodePath is null
                ? node => MounterPods.Build(jobRef, job.ApiVersion ?? SpoolGroup.ApiVersion, claimName, false, node, cluster.Settings.MounterImage)
                : null,
            MounterNode = placement.Mode == RestorePlacementMode.WhereTargetRuns && !string.IsNullOrEmpty(placement.NodeName) ? placement.NodeName : null,
            BackupIdBase = BackupJobDecider.BackupIdBase(jobRef),
            Noun = "Restore",
            VolumeNamespace = jobRef.Namespace,
            VolumeClaim = claimName,
            WritesToDrives = false,
        };
        var actions = JobEngine.Decide(frame, cluster, next =>
        {
            var mapped = FromBackupShape(original, next, backup);
            return StatusJson.Same(mapped, job.Status) ? null : new UpdateRestoreJobStatus(jobRef, mapped, job.Metadata.ResourceVersion);
        });
        return extra.Count == 0 || frame.Deleting ? actions : [.. extra, .. actions];
    }

    public static JobRef RefOf(RestoreJob job) =>
        new(RestoreJob.KindValue, job.Metadata.Namespace ?? "default", job.Metadata.Name ?? "", job.Metadata.Uid);

    /// <summary>All of the backup's drives for None; one copy for Mirror; every member that has not failed (at least width-1) for Parity.</summary>
    public static DriveDemand Demand(CatalogLocation backup, ClusterSnapshot cluster)
    {
        var drives = backup.Drives.ToList();
        var description = $"the backup's drives [{string.Join(", ", drives)}]";
        var missing = drives.Where(d => cluster.FindDrive(d) is null).ToList();
        var present = drives.Where(d => cluster.FindDrive(d) is not null).ToList();
        int count;
        switch (backup.Redundancy)
        {
            case RedundancyMode.Mirror:
                count = 1;
                break;
            case RedundancyMode.Parity:
                var healthy = present.Count(d => cluster.FindDrive(d)!.Status?.Phase != DrivePhase.Failed);
                count = Math.Max(drives.Count - 1, healthy);
                break;
            default:
                count = drives.Count;
                break;
        }

        if (present.Count < count || drives.Count == 0)
        {
            return new DriveDemand(present, count, description, (DriveDemands.DriveNotFound, drives.Count == 0
                ? "the backup's catalog names no drive"
                : $"TapeDrive {string.Join(", ", missing)} of the backup does not exist"));
        }

        return new DriveDemand(present, count, description);
    }

    /// <summary>The backup a source names: a BackupJob's catalog, a backup id, or the latest good backup of a claim before a time.</summary>
    public static (CatalogLocation? Catalog, string? Reason, string? Message) ResolveSource(RestoreSource source, IReadOnlyList<BackupJob> backups)
    {
        if (source.BackupJob is { } name)
        {
            var named = backups.FirstOrDefault(b => b.Metadata.Name == name);
            if (named is null)
            {
                return (null, BackupNotFound, $"BackupJob {name} does not exist");
            }

            return named.Status is { Phase: BackupPhase.Succeeded or BackupPhase.PartiallySucceeded, Catalog: { } catalog }
                ? (catalog, null, null)
                : (null, BackupNotComplete, $"BackupJob {name} has not succeeded yet (phase {named.Status?.Phase?.ToString() ?? "none"})");
        }

        if (source.BackupId is { } id)
        {
            var byId = backups.FirstOrDefault(b => b.Status?.Catalog?.BackupId == id);
            return byId?.Status?.Catalog is { } catalog ? (catalog, null, null) : (null, BackupNotFound, $"no BackupJob of this namespace has backup id {id}");
        }

        if (source.PersistentVolumeClaim is { } claim)
        {
            var latest = backups
                .Where(b => b.Spec.Source.PersistentVolumeClaim == claim
                    && b.Status is { Phase: BackupPhase.Succeeded, Catalog: not null, CompletionTime: not null }
                    && (source.Before is null || b.Status.CompletionTime <= source.Before))
                .OrderByDescending(b => b.Status!.CompletionTime)
                .FirstOrDefault();
            return latest?.Status?.Catalog is { } catalog
                ? (catalog, null, null)
                : (null, BackupNotFound, source.Before is { } before
                    ? $"no successful backup of claim {claim} completed before {before.UtcDateTime:O}"
                    : $"no successful backup of claim {claim}");
        }

        return (null, BackupJobDecider.InvalidSpec, "spec.source needs backupJob, backupId or persistentVolumeClaim");
    }

    private static PersistentVolumeClaim NewClaim(RestoreJob job, NewClaimTemplate template) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = template.Name,
            Namespace = job.Metadata.Namespace,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "spool-operator" },
        },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = template.AccessModes ?? ["ReadWriteOnce"],
            StorageClassName = template.StorageClassName,
            Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = template.Size ?? "1Gi" } },
        },
    };

    private static BackupJobStatus ToBackupShape(RestoreJobStatus status) => new()
    {
        Phase = status.Phase is { } phase ? Enum.Parse<BackupPhase>(phase.ToString()) : null,
        ObservedGeneration = status.ObservedGeneration,
        Conditions = status.Conditions,
        Epoch = status.Epoch,
        Node = status.Node,
        Volume = status.Target,
        Drives = status.Drives,
        ResumeFrom = status.ResumeFrom,
        Progress = status.Progress,
        Checkpoint = status.Checkpoint,
        Report = status.Report,
        Attempts = status.Attempts,
        StartTime = status.StartTime,
        CompletionTime = status.CompletionTime,
    };

    private static RestoreJobStatus FromBackupShape(RestoreJobStatus original, BackupJobStatus next, CatalogLocation? backup) => original with
    {
        Phase = next.Phase is { } phase ? Enum.Parse<RestorePhase>(phase.ToString()) : null,
        ObservedGeneration = next.ObservedGeneration,
        Conditions = next.Conditions,
        Epoch = next.Epoch,
        Node = next.Node,
        Backup = backup,
        Target = next.Volume,
        Drives = next.Drives,
        ResumeFrom = next.ResumeFrom,
        Progress = next.Progress,
        Checkpoint = next.Checkpoint,
        Report = next.Report,
        Attempts = next.Attempts,
        StartTime = next.StartTime,
        CompletionTime = next.CompletionTime,
    };
}
