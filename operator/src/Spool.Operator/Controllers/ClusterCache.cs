using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube.Informers;
using Spool.Operator.Decisions;

namespace Spool.Operator.Controllers;

/// <summary>
/// The operator's view of the cluster: one informer per resource it reads (jobs, drives, pods, claims, volumes,
/// attachments, nodes, the agents' Leases), with our own recent writes laid over them, and the observations the
/// deciders read built from it. Everything here is rebuilt from a LIST when a new leader starts.
/// </summary>
public sealed class ClusterCache
{
    public const string PodClaimIndex = "claim";
    public const string PodNamespaceIndex = "namespace";
    public const string AttachmentVolumeIndex = "volume";

    /// <summary>Pods and claims by <c>namespace/&lt;spool.dev/snapshot-clone&gt;</c>, VolumeSnapshots by <c>namespace/&lt;spool.dev/snapshot-for&gt;</c>.</summary>
    public const string SnapshotJobIndex = "snapshotJob";

    private readonly TimeProvider _time;
    private readonly Lock _queueLock = new();
    private (long Stamp, IReadOnlyList<QueuedJob> Queue)? _queue;

    public ClusterCache(SharedInformerFactory factory, OperatorSettings settings, TimeProvider time)
    {
        Settings = settings;
        _time = time;
        BackupJobs = factory.GetInformer(new InformerOptions<BackupJob> { Indexers = JobIndexes.ForBackups() });
        RestoreJobs = factory.GetInformer(new InformerOptions<RestoreJob> { Indexers = JobIndexes.ForRestores() });
        Drives = factory.GetInformer(new InformerOptions<TapeDrive>());
        Pods = factory.GetInformer(new InformerOptions<Pod>
        {
            Indexers = new Dictionary<string, Func<Pod, IEnumerable<string>>>
            {
                [PodClaimIndex] = p => (p.Spec.Volumes ?? []).Where(v => v.PersistentVolumeClaim is not null).Select(v => $"{p.Metadata.Namespace}/{v.PersistentVolumeClaim!.ClaimName}").Distinct(),
                [PodNamespaceIndex] = p => [p.Metadata.Namespace ?? ""],
                [SnapshotJobIndex] = p => SnapshotJobKeys(p.Metadata, SnapshotClones.CloneLabel),
            },
        });
        Claims = factory.GetInformer(new InformerOptions<PersistentVolumeClaim>
        {
            Indexers = new Dictionary<string, Func<PersistentVolumeClaim, IEnumerable<string>>>
            {
                [SnapshotJobIndex] = c => SnapshotJobKeys(c.Metadata, SnapshotClones.CloneLabel),
            },
        });
        Volumes = factory.GetInformer(new InformerOptions<PersistentVolume>());
        Attachments = factory.GetInformer(new InformerOptions<VolumeAttachment>
        {
            Indexers = new Dictionary<string, Func<VolumeAttachment, IEnumerable<string>>>
            {
                [AttachmentVolumeIndex] = a => a.Spec.Source.PersistentVolumeName is { } pv ? [pv] : [],
            },
        });
        Nodes = factory.GetInformer(new InformerOptions<Node>());
        Leases = factory.GetInformer(new InformerOptions<Lease> { Namespace = settings.AgentNamespace });
        LeaseSightings = new LeaseObservations(time);

        // Only with the snapshot API installed: an informer on a missing resource would never sync.
        VolumeSnapshots = settings.CsiSnapshots
            ? factory.GetInformer(new InformerOptions<VolumeSnapshot>
            {
                LabelSelector = SnapshotClones.SnapshotForLabel,
                Indexers = new Dictionary<string, Func<VolumeSnapshot, IEnumerable<string>>>
                {
                    [SnapshotJobIndex] = v => SnapshotJobKeys(v.Metadata, SnapshotClones.SnapshotForLabel),
                },
            })
            : null;
    }

    public OperatorSettings Settings { get; }

    public Informer<BackupJob> BackupJobs { get; }

    public Informer<RestoreJob> RestoreJobs { get; }

    public Informer<TapeDrive> Drives { get; }

    public Informer<Pod> Pods { get; }

    public Informer<PersistentVolumeClaim> Claims { get; }

    public Informer<PersistentVolume> Volumes { get; }

    public Informer<VolumeAttachment> Attachments { get; }

    public Informer<Node> Nodes { get; }

    public Informer<Lease> Leases { get; }

    /// <summary>When each agent Lease's renewal was seen, on the operator's clock; fed by the Lease handler and by <see cref="Snapshot"/>.</summary>
    public LeaseObservations LeaseSightings { get; }

    /// <summary>The VolumeSnapshots Spool's agents took (label <c>spool.dev/snapshot-for</c>); null when CSI snapshots are off.</summary>
    public Informer<VolumeSnapshot>? VolumeSnapshots { get; }

    public ObjectOverlay<BackupJob> BackupOverlay { get; } = new();

    public ObjectOverlay<RestoreJob> RestoreOverlay { get; } = new();

    public ObjectOverlay<TapeDrive> DriveOverlay { get; } = new();

    public IEnumerable<IInformer> All => VolumeSnapshots is { } snapshots
        ? [BackupJobs, RestoreJobs, Drives, Pods, Claims, Volumes, Attachments, Nodes, Leases, snapshots]
        : [BackupJobs, RestoreJobs, Drives, Pods, Claims, Volumes, Attachments, Nodes, Leases];

    public BackupJob? GetBackupJob(string key) => BackupOverlay.Resolve(key, BackupJobs.Store.Get(key));

    public RestoreJob? GetRestoreJob(string key) => RestoreOverlay.Resolve(key, RestoreJobs.Store.Get(key));

    public TapeDrive? GetDrive(string name) => DriveOverlay.Resolve(name, Drives.Store.Get(name));

    public IReadOnlyList<TapeDrive> ListDrives() =>
        Drives.Store.List().Select(d => DriveOverlay.Resolve(d.Metadata.Name!, d)!).OrderBy(d => d.Metadata.Name, StringComparer.Ordinal).ToList();

    public ClusterSnapshot Snapshot(JobRef? exclude, string? excludeRunningNode)
    {
        var drives = ListDrives();
        var nodes = Nodes.Store.List();
        var leases = Leases.Store.List();
        var running = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = node.Metadata.Name!;
            var count = BackupJobs.Store.ByIndex(JobIndexes.RunningNode, name).Count + RestoreJobs.Store.ByIndex(JobIndexes.RunningNode, name).Count;
            if (name == excludeRunningNode)
            {
                count--;
            }

            running[name] = Math.Max(0, count);
        }

        return new ClusterSnapshot
        {
            Drives = drives,
            Nodes = nodes,
            AgentLeases = leases,
            AgentLeaseRenewalsSeen = LeaseSightings.SeenRenewals(leases),
            RunningPerNode = running,
            Queue = Queue(drives, nodes),
            Now = _time.GetUtcNow(),
            Settings = Settings,
        };
    }

    public BackupJobObservation ObserveBackup(BackupJob job, Secret? encryptionSecret)
    {
        var ns = job.Metadata.Namespace ?? "default";
        var claimName = job.Spec.Source.PersistentVolumeClaim;
        var claim = claimName is null ? null : Claims.Store.Get(ns, claimName);
        var volume = claim?.Spec.VolumeName is { } pv ? Volumes.Store.Get(pv) : null;
        var runningNode = job.Status is { Phase: BackupPhase.Running } s ? s.Node : null;
        var jobKey = ObjectKey.Of(job);
        var observation = new BackupJobObservation
        {
            Snapshots = VolumeSnapshots?.Store.ByIndex(SnapshotJobIndex, jobKey) ?? [],
            CloneClaims = Claims.Store.ByIndex(SnapshotJobIndex, jobKey),
            HelperPods = Pods.Store.ByIndex(SnapshotJobIndex, jobKey),
            Job = job,
            Claim = claim,
            Volume = volume,
            Pods = claimName is null ? [] : Pods.Store.ByIndex(PodClaimIndex, $"{ns}/{claimName}"),
            Attachments = volume is null ? [] : Attachments.Store.ByIndex(AttachmentVolumeIndex, volume.Metadata.Name!),
            EncryptionSecret = encryptionSecret,
            Cluster = Snapshot(BackupJobDecider.RefOf(job), runningNode),
            RunRunningPerNode = RunRunningPerNode(job),
            RunMaxConcurrentPerNode = JobRuns.ParentName(job) is { } parent ? GetBackupJob(ObjectKey.Of(ns, parent))?.Spec.MaxConcurrentPerNode : null,
        };
        return job.Spec.Source.Replica is { } policy && claimName is not null ? WithReplicas(observation, ns, claimName, policy) : observation;
    }

    /// <summary>Running jobs of the job's run per node, the job itself not counted; our own recent writes included.</summary>
    private Dictionary<string, int> RunRunningPerNode(BackupJob job)
    {
        var me = ObjectKey.Of(job);
        return BackupJobs.Store.ByIndex(JobIndexes.Run, JobRuns.KeyOf(job))
            .Select(ObjectKey.Of)
            .Where(key => key != me)
            .Select(GetBackupJob)
            .Where(j => j?.Status is { Phase: BackupPhase.Running, Node: not null })
            .GroupBy(j => j!.Status!.Node!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    /// <summary>The namespace's pods and, for every replica of the workload (and the replica already chosen), its claim, volume and attachments.</summary>
    private BackupJobObservation WithReplicas(BackupJobObservation observation, string ns, string claimName, ReplicaPolicySpec policy)
    {
        var pods = Pods.Store.ByIndex(PodNamespaceIndex, ns);
        var members = ReplicaSelector.Members(new ReplicaQuery { Namespace = ns, ClaimName = claimName, Policy = policy, Pods = pods }, out _) ?? [];
        var names = members.Select(m => m.Claim).Append(observation.Job.Status?.Volume?.PersistentVolumeClaim).OfType<string>().Distinct(StringComparer.Ordinal);
        var claims = names.Select(n => Claims.Store.Get(ns, n)).OfType<PersistentVolumeClaim>().ToList();
        var volumes = claims.Select(c => c.Spec.VolumeName is { } pv ? Volumes.Store.Get(pv) : null).OfType<PersistentVolume>().ToList();
        return observation with
        {
            NamespacePods = pods,
            ReplicaClaims = claims,
            ReplicaVolumes = volumes,
            ReplicaAttachments = volumes.SelectMany(v => Attachments.Store.ByIndex(AttachmentVolumeIndex, v.Metadata.Name!)).ToList(),
        };
    }

    public FederatedBackupObservation ObserveFederated(BackupJob job, Secret? encryptionSecret)
    {
        var ns = job.Metadata.Namespace ?? "default";
        var all = job.Spec.Source.AllNamespaces;
        var snapshot = Snapshot(BackupJobDecider.RefOf(job), null);
        var attempts = BackupJobs.Store.List().Select(j => j.Status?.Attempts).Concat(RestoreJobs.Store.List().Select(j => j.Status?.Attempts));
        return new FederatedBackupObservation
        {
            Job = job,
            Children = job.Metadata.Uid is { } uid ? BackupJobs.Store.ByIndex(JobIndexes.Parent, uid).Select(c => GetBackupJob(ObjectKey.Of(c)) ?? c).ToList() : [],
            Claims = Claims.Store.List().Where(c => all || c.Metadata.Namespace == ns).ToList(),
            Pods = Pods.Store.List().Where(p => all || p.Metadata.Namespace == ns).ToList(),
            Volumes = Volumes.Store.List(),
            Attachments = Attachments.Store.List(),
            NodeFailures = NodeFailureHistory.From(snapshot, attempts, Settings.FailureHistoryWindow),
            EncryptionSecret = encryptionSecret,
            Cluster = snapshot,
        };
    }

    /// <summary>Keys of the federated jobs that have not finished.</summary>
    public IEnumerable<string> ActiveFederated() => BackupJobs.Store.ByIndex(JobIndexes.Federated, JobIndexes.ActiveValue).Select(ObjectKey.Of);

    public RestoreJobObservation ObserveRestore(RestoreJob job)
    {
        var ns = job.Metadata.Namespace ?? "default";
        var claimName = job.Spec.Target?.PersistentVolumeClaim ?? job.Spec.Target?.NewClaim?.Name;
        var claim = claimName is null ? null : Claims.Store.Get(ns, claimName);
        var volume = claim?.Spec.VolumeName is { } pv ? Volumes.Store.Get(pv) : null;
        var runningNode = job.Status is { Phase: RestorePhase.Running } s ? s.Node : null;
        return new RestoreJobObservation
        {
            Job = job,
            Backups = BackupJobs.Store.List().Where(b => b.Metadata.Namespace == ns).ToList(),
            Claim = claim,
            Volume = volume,
            Pods = claimName is null ? [] : Pods.Store.ByIndex(PodClaimIndex, $"{ns}/{claimName}"),
            Attachments = volume is null ? [] : Attachments.Store.ByIndex(AttachmentVolumeIndex, volume.Metadata.Name!),
            Cluster = Snapshot(RestoreJobDecider.RefOf(job), runningNode),
        };
    }

    /// <summary>The federated BackupJob a RestoreJob names in its namespace, if it exists; null for any other source.</summary>
    public BackupJob? NamedBackup(RestoreJob job) =>
        job.Spec.Source.BackupJob is { } name ? GetBackupJob(ObjectKey.Of(job.Metadata.Namespace ?? "default", name)) : null;

    public FederatedRestoreObservation ObserveFederatedRestore(RestoreJob job, BackupJob? run)
    {
        // The run's volumes live in its namespace, or in any namespace with allNamespaces.
        var namespaces = (run?.Status?.Volumes ?? []).Select(v => v.Namespace)
            .Concat((job.Status?.Workloads ?? []).Select(w => w.Namespace))
            .ToHashSet(StringComparer.Ordinal);
        return new FederatedRestoreObservation
        {
            Job = job,
            Run = run,
            RunChildren = run?.Metadata.Uid is { } runUid ? BackupJobs.Store.ByIndex(JobIndexes.Parent, runUid).Select(c => GetBackupJob(ObjectKey.Of(c)) ?? c).ToList() : [],
            Children = job.Metadata.Uid is { } uid ? RestoreJobs.Store.ByIndex(JobIndexes.Parent, uid).Select(c => GetRestoreJob(ObjectKey.Of(c)) ?? c).ToList() : [],
            Claims = Claims.Store.List().Where(c => namespaces.Contains(c.Metadata.Namespace ?? "")).ToList(),
            Pods = namespaces.SelectMany(n => Pods.Store.ByIndex(PodNamespaceIndex, n)).ToList(),
            Volumes = Volumes.Store.List(),
            Attachments = Attachments.Store.List(),
            Cluster = Snapshot(RestoreJobDecider.RefOf(job), null),
        };
    }

    public TapeDriveObservation ObserveDrive(TapeDrive drive)
    {
        HolderJob? holder = null;
        if (drive.Status?.Holder is { } h)
        {
            if (h.Kind == RestoreJob.KindValue)
            {
                if (GetRestoreJob(h.Job) is { } r)
                {
                    holder = new HolderJob(RestoreJobDecider.RefOf(r), r.Status?.Phase is RestorePhase.Succeeded or RestorePhase.Failed or RestorePhase.PartiallySucceeded, r.Metadata.DeletionTimestamp is not null, r.Status?.Epoch ?? 0);
                }
            }
            else if (GetBackupJob(h.Job) is { } b)
            {
                holder = new HolderJob(BackupJobDecider.RefOf(b), b.Status?.Phase is BackupPhase.Succeeded or BackupPhase.Failed or BackupPhase.PartiallySucceeded, b.Metadata.DeletionTimestamp is not null, b.Status?.Epoch ?? 0);
            }
        }

        return new TapeDriveObservation { Drive = drive, Holder = holder, Now = _time.GetUtcNow(), Settings = Settings };
    }

    /// <summary>
    /// The jobs waiting for drives, with their nodes and eligible drives. Rebuilt at most every 200 ms: arbitration
    /// uses it for fairness only; the claims themselves are optimistic writes.
    /// </summary>
    private IReadOnlyList<QueuedJob> Queue(IReadOnlyList<TapeDrive> drives, IReadOnlyList<Node> nodes)
    {
        var stamp = _time.GetTimestamp();
        lock (_queueLock)
        {
            if (_queue is { } cached && _time.GetElapsedTime(cached.Stamp, stamp) < TimeSpan.FromMilliseconds(200))
            {
                return StillQueued(cached.Queue);
            }
        }

        var byName = drives.ToDictionary(d => d.Metadata.Name!, StringComparer.Ordinal);
        var nodeByName = nodes.ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);
        var snapshot = new ClusterSnapshot { Drives = drives, Nodes = nodes, Settings = Settings };
        var queue = new List<QueuedJob>();

        void Add(JobRef job, int priority, DateTimeOffset? created, string? node, IReadOnlyList<string> candidates, int width)
        {
            if (node is null || !nodeByName.TryGetValue(node, out var nodeObject))
            {
                return;
            }

            var eligible = candidates
                .Where(c => byName.TryGetValue(c, out var d) && DriveArbiter.IsUsable(d) && DriveArbiter.Reaches(d, nodeObject))
                .Order(StringComparer.Ordinal)
                .ToList();
            queue.Add(new QueuedJob(job, priority, created ?? DateTimeOffset.MinValue, node, eligible, width));
        }

        foreach (var job in BackupJobs.Store.ByIndex(JobIndexes.Queued, JobIndexes.QueuedValue))
        {
            var demand = DriveDemands.ForBackup(job.Spec.Destination, snapshot);
            Add(BackupJobDecider.RefOf(job), job.Spec.Priority, job.Metadata.CreationTimestamp, job.Status?.Volume?.Node, demand.Candidates, demand.Count);
        }

        foreach (var job in RestoreJobs.Store.ByIndex(JobIndexes.Queued, JobIndexes.QueuedValue))
        {
            if (job.Status?.Backup is { } backup)
            {
                var demand = RestoreJobDecider.Demand(backup, snapshot);
                Add(RestoreJobDecider.RefOf(job), 0, job.Metadata.CreationTimestamp, job.Status.Target?.Node, demand.Candidates, demand.Count);
            }
        }

        lock (_queueLock)
        {
            _queue = (stamp, queue);
        }

        return queue;
    }

    /// <summary>
    /// The cached queue without the jobs that have left it since (claimed their drives, finished, were deleted). Such a
    /// job would still rank above the ones waiting, so a drive freed meanwhile would be planned for it and nobody would
    /// claim it: the single wake-up the release sends would be spent, and the waiting jobs would sleep until their
    /// re-queue. A job that joined the queue meanwhile may be missing, which costs only fairness, never progress.
    /// </summary>
    private IReadOnlyList<QueuedJob> StillQueued(IReadOnlyList<QueuedJob> cached)
    {
        var backups = BackupJobs.Store.ByIndex(JobIndexes.Queued, JobIndexes.QueuedValue).Select(ObjectKey.Of).ToHashSet(StringComparer.Ordinal);
        var restores = RestoreJobs.Store.ByIndex(JobIndexes.Queued, JobIndexes.QueuedValue).Select(ObjectKey.Of).ToHashSet(StringComparer.Ordinal);
        return cached.Where(q => (q.Job.Kind == RestoreJob.KindValue ? restores : backups).Contains(q.Job.Key)).ToList();
    }

    /// <summary>Keys of the jobs of both kinds whose volume is the claim <paramref name="claimKey"/> (namespace/claim).</summary>
    public (IEnumerable<string> Backups, IEnumerable<string> Restores) JobsOfClaim(string claimKey) =>
        (BackupJobs.Store.ByIndex(JobIndexes.Claim, claimKey).Select(ObjectKey.Of),
         RestoreJobs.Store.ByIndex(JobIndexes.Claim, claimKey).Select(ObjectKey.Of));

    /// <summary>Keys of the unfinished replica-aware BackupJobs of a namespace, whose choice any pod of it may change.</summary>
    public IEnumerable<string> ReplicaJobsOf(string ns) =>
        BackupJobs.Store.ByIndex(JobIndexes.ReplicaNamespace, ns).Select(ObjectKey.Of);

    public bool HasReplicaJobs(string? ns) => BackupJobs.Store.ByIndex(JobIndexes.ReplicaNamespace, ns ?? "default").Count > 0;

    /// <summary>Jobs running on, or waiting for, a node.</summary>
    public (IEnumerable<string> Backups, IEnumerable<string> Restores) JobsOfNode(string node) =>
        (BackupJobs.Store.ByIndex(JobIndexes.RunningNode, node).Concat(BackupJobs.Store.ByIndex(JobIndexes.WaitingNode, node)).Select(ObjectKey.Of).Distinct(StringComparer.Ordinal),
         RestoreJobs.Store.ByIndex(JobIndexes.RunningNode, node).Concat(RestoreJobs.Store.ByIndex(JobIndexes.WaitingNode, node)).Select(ObjectKey.Of).Distinct(StringComparer.Ordinal));

    /// <summary>The queued jobs that could take <paramref name="drive"/>, best ranked first.</summary>
    public (IReadOnlyList<string> Backups, IReadOnlyList<string> Restores) QueuedFor(TapeDrive drive, int limit)
    {
        var name = drive.Metadata.Name!;
        var backups = BackupJobs.Store.ByIndex(JobIndexes.Queued, JobIndexes.QueuedValue)
            .Where(j => j.Spec.Destination.Drives?.Contains(name) == true
                || (j.Spec.Destination.DriveSelector is { } s && Selectors.Matches(s, drive.Metadata.Labels)))
            .OrderByDescending(j => j.Spec.Priority)
            .ThenBy(j => j.Metadata.CreationTimestamp)
            .Take(limit)
            .Select(ObjectKey.Of)
            .ToList();
        var restores = RestoreJobs.Store.ByIndex(JobIndexes.Queued, JobIndexes.QueuedValue)
            .Where(j => j.Status?.Backup?.Drives.Contains(name) == true)
            .OrderBy(j => j.Metadata.CreationTimestamp)
            .Take(limit)
            .Select(ObjectKey.Of)
            .ToList();
        return (backups, restores);
    }

    private static IEnumerable<string> SnapshotJobKeys(ObjectMeta metadata, string label) =>
        metadata.Labels?.GetValueOrDefault(label) is { Length: > 0 } job ? [$"{metadata.Namespace}/{job}"] : [];

    public static string LeaseNode(Lease lease, OperatorSettings settings) =>
        lease.Metadata.Name is { } name && name.StartsWith(settings.AgentLeasePrefix, StringComparison.Ordinal) ? name[settings.AgentLeasePrefix.Length..] : "";

    public static IEnumerable<string> ClaimsOf(Pod pod) =>
        (pod.Spec.Volumes ?? []).Where(v => v.PersistentVolumeClaim is not null).Select(v => $"{pod.Metadata.Namespace}/{v.PersistentVolumeClaim!.ClaimName}").Distinct(StringComparer.Ordinal);

    public static ObjectReference Reference(IKubernetesObject o) => new()
    {
        ApiVersion = o.ApiVersion,
        Kind = o.Kind,
        Namespace = o.Metadata.Namespace,
        Name = o.Metadata.Name,
        Uid = o.Metadata.Uid,
    };
}
