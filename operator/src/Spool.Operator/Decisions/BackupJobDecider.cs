using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// Decides what to do with one BackupJob: validate, resolve the volume's owner, arbitrate drives, assign, watch for
/// failover signals, complete. Pure: the same observation gives the same actions.
/// </summary>
public static class BackupJobDecider
{
    public const string InvalidSpec = "InvalidSpec";
    public const string SecretNotFound = "SecretNotFound";
    public const string SecretKeyNotFound = "SecretKeyNotFound";
    public const string SnapshotsDisabled = "SnapshotsDisabled";

    public static IReadOnlyList<OperatorAction> Decide(BackupJobObservation observation)
    {
        var job = observation.Job;
        var cluster = observation.Cluster;
        var jobRef = RefOf(job);
        var spec = job.Spec;
        var status = job.Status ?? new BackupJobStatus();
        var claimName = spec.Source.PersistentVolumeClaim;
        var problem = Validate(observation);
        var replica = problem is null && claimName is not null && observation.Claim is not null && spec.Source.Replica is { } policy
            ? ReplicaSelector.Choose(
                new ReplicaQuery
                {
                    Namespace = jobRef.Namespace,
                    ClaimName = claimName,
                    Policy = policy,
                    Pods = observation.NamespacePods,
                    Pinned = status.Volume,
                    Assigned = status.Attempts is { Count: > 0 },
                },
                cluster)
            : null;
        var query = claimName is null ? null : new OwnerQuery
        {
            Namespace = jobRef.Namespace,
            ClaimName = claimName,
            Claim = observation.Claim,
            Volume = observation.Volume,
            Pods = observation.Pods,
            Attachments = observation.Attachments,
            PreferredNode = status.Phase == BackupPhase.Running ? status.Node : status.Volume?.Node,
            MounterPod = MounterPods.NameFor(jobRef),
        };
        if (query is not null && replica is { Claim: { } replicaClaim })
        {
            var claim = observation.ReplicaClaims.FirstOrDefault(c => c.Metadata.Name == replicaClaim);
            var volume = claim?.Spec.VolumeName is { } pv ? observation.ReplicaVolumes.FirstOrDefault(v => v.Metadata.Name == pv) : null;
            query = query with
            {
                ClaimName = replicaClaim,
                Claim = claim,
                Volume = volume,
                Pods = observation.NamespacePods,
                Attachments = volume is null ? [] : observation.ReplicaAttachments.Where(a => a.Spec.Source.PersistentVolumeName == volume.Metadata.Name).ToList(),
            };
        }

        var owner = query is null
            ? OwnerResolution.Wait(InvalidSpec, "no claim to resolve")
            : replica is { Chosen: false, WaitReason: { } replicaWait }
            ? OwnerResolution.Wait(replicaWait, replica.Reason)
            : OwnerResolver.Resolve(query, cluster);
        var volumeClaim = query?.ClaimName;
        var frame = new JobFrame
        {
            Job = jobRef,
            Regarding = new ObjectReference { ApiVersion = job.ApiVersion ?? SpoolGroup.ApiVersion, Kind = BackupJob.KindValue, Namespace = jobRef.Namespace, Name = jobRef.Name, Uid = jobRef.Uid },
            Generation = job.Metadata.Generation ?? 1,
            ResourceVersion = job.Metadata.ResourceVersion,
            Created = job.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue,
            Deleting = job.Metadata.DeletionTimestamp is not null,
            HasFinalizer = job.Metadata.Finalizers?.Contains(SpoolGroup.Finalizer) == true,
            NodeLabel = job.Metadata.Labels?.GetValueOrDefault(SpoolGroup.NodeLabel),
            Priority = spec.Priority,
            RestartPolicy = spec.RestartPolicy,
            BackoffLimit = spec.BackoffLimit,
            ActiveDeadlineSeconds = spec.ActiveDeadlineSeconds,
            Status = status,
            Problem = problem,
            Owner = owner,
            Replica = replica,
            MaxConcurrentPerNode = observation.RunMaxConcurrentPerNode ?? spec.MaxConcurrentPerNode,
            RunRunningPerNode = observation.RunRunningPerNode,
            Demand = DriveDemands.ForBackup(spec.Destination, cluster),
            MounterPod = MounterPods.Find(replica is null ? observation.Pods : observation.NamespacePods, jobRef),
            NewMounterPod = spec.MountWhenIdle && volumeClaim is not null
                ? node => MounterPods.Build(jobRef, job.ApiVersion ?? SpoolGroup.ApiVersion, volumeClaim, true, node, cluster.Settings.MounterImage)
                : null,
            BackupIdBase = BackupIdBase(jobRef),
            Noun = "Backup",
            VolumeNamespace = jobRef.Namespace,
            VolumeClaim = volumeClaim,
        };
        var actions = JobEngine.Decide(frame, cluster, next =>
            StatusJson.Same(next, job.Status) ? null : new UpdateBackupJobStatus(jobRef, next, job.Metadata.ResourceVersion));
        var clones = SnapshotCloneDecider.Decide(new SnapshotCloneObservation
        {
            Job = job,
            // A replica-aware job snapshots the replica's claim it was placed on; the clone is made like that one.
            SourceClaim = status.Volume?.PersistentVolumeClaim is { } read && observation.ReplicaClaims.FirstOrDefault(c => c.Metadata.Name == read) is { } readClaim
                ? readClaim
                : observation.Claim,
            Snapshots = observation.Snapshots,
            CloneClaims = observation.CloneClaims,
            HelperPods = observation.HelperPods,
            HelperImage = cluster.Settings.MounterImage,
        });
        return clones.Count == 0 ? actions : [.. actions, .. clones];
    }

    public static JobRef RefOf(BackupJob job) =>
        new(BackupJob.KindValue, job.Metadata.Namespace ?? "default", job.Metadata.Name ?? "", job.Metadata.Uid);

    /// <summary>Namespace, name and the start of the uid: stable for the job's life, distinct across re-creations.</summary>
    public static string BackupIdBase(JobRef job) =>
        job.Uid is { Length: >= 8 } uid ? $"{job.Namespace}-{job.Name}-{uid[..8]}" : $"{job.Namespace}-{job.Name}";

    /// <summary>Bad input the job cannot get past without a change to its spec or to the cluster.</summary>
    public static (string Reason, string Message, bool Stalled)? Validate(BackupJobObservation observation) =>
        Validate(observation.Job, observation.EncryptionSecret, observation.Cluster.Settings);

    /// <summary>The same checks for any BackupJob, single-volume or federated.</summary>
    public static (string Reason, string Message, bool Stalled)? Validate(BackupJob job, Spool.Api.Core.Secret? encryptionSecret, OperatorSettings settings)
    {
        var spec = job.Spec;
        var source = spec.Source;
        if (source.PersistentVolumeClaim is null && source.Selector is null)
        {
            return (InvalidSpec, "spec.source needs persistentVolumeClaim or selector", true);
        }

        if (source.PersistentVolumeClaim is not null && source.Selector is not null)
        {
            return (InvalidSpec, "spec.source takes persistentVolumeClaim or selector, not both", true);
        }

        if (source.Snapshot is { Mode: SnapshotMode.CSISnapshot, VolumeSnapshotClassName: null })
        {
            return (InvalidSpec, "spec.source.snapshot.volumeSnapshotClassName is required with mode CSISnapshot", true);
        }

        if (source.Snapshot is { Mode: SnapshotMode.CSISnapshot } && !settings.CsiSnapshots)
        {
            return (SnapshotsDisabled, "mode CSISnapshot needs the operator's --csi-snapshots (the cluster must serve snapshot.storage.k8s.io/v1)", true);
        }

        var destination = spec.Destination;
        if ((destination.Drives is null || destination.Drives.Count == 0) && destination.DriveSelector is null)
        {
            return (InvalidSpec, "spec.destination needs drives or driveSelector", true);
        }

        if (destination.Redundancy is { } redundancy)
        {
            if (redundancy.Mode == RedundancyMode.Parity && redundancy.Width is < 3 or > 9)
            {
                return (InvalidSpec, $"Parity needs width between 3 and 9, not {redundancy.Width}", true);
            }

            if (redundancy.Mode == RedundancyMode.Mirror && redundancy.Width is < 2 or > 4)
            {
                return (InvalidSpec, $"Mirror needs width between 2 and 4, not {redundancy.Width}", true);
            }
        }

        if (destination.Encryption is { } encryption)
        {
            var reference = encryption.SecretRef;
            var secret = encryptionSecret;
            if (secret is null)
            {
                return (SecretNotFound, $"encryption Secret {job.Metadata.Namespace}/{reference.Name} does not exist", true);
            }

            var hasKey = secret.Data?.ContainsKey(reference.Key) == true || secret.StringData?.ContainsKey(reference.Key) == true;
            if (!hasKey)
            {
                return (SecretKeyNotFound, $"encryption Secret {job.Metadata.Namespace}/{reference.Name} has no key {reference.Key}", true);
            }
        }

        return null;
    }
}
