using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Support;

/// <summary>Small builders for the objects a decision reads.</summary>
public static class Build
{
    public static readonly DateTimeOffset Epoch0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static Node Node(string name, bool ready = true, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name }, ResourceVersion = "1" },
        Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    public static Lease AgentLease(string node, DateTimeOffset renewed, int seconds = 6) => new()
    {
        Metadata = new ObjectMeta { Name = "spool-agent-" + node, Namespace = "spool-system", ResourceVersion = "1" },
        Spec = new LeaseSpec { HolderIdentity = node, LeaseDurationSeconds = seconds, RenewTime = renewed, AcquireTime = renewed },
    };

    public static TapeDrive Drive(string name, IReadOnlyList<string>? nodes = null, bool offline = false, DriveHolder? holder = null, DrivePhase? phase = null, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Generation = 1, ResourceVersion = "10", Labels = labels },
        Spec = new TapeDriveSpec { Path = "/tapes/" + name, Nodes = nodes, Offline = offline },
        Status = new TapeDriveStatus { Holder = holder, Phase = phase ?? (holder is null ? DrivePhase.Available : DrivePhase.InUse), ObservedGeneration = 1 },
    };

    public static PersistentVolumeClaim Claim(string name, string? volume = "pv-data", string ns = "apps") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, ResourceVersion = "1" },
        Spec = new PersistentVolumeClaimSpec { VolumeName = volume, AccessModes = ["ReadWriteOnce"] },
        Status = new PersistentVolumeClaimStatus { Phase = volume is null ? "Pending" : "Bound" },
    };

    public static PersistentVolume Volume(string name = "pv-data", string? pinnedTo = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, ResourceVersion = "1" },
        Spec = new PersistentVolumeSpec
        {
            NodeAffinity = pinnedTo is null ? null : new VolumeNodeAffinity
            {
                Required = new NodeSelector
                {
                    NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = "kubernetes.io/hostname", Operator = "In", Values = [pinnedTo] }] }],
                },
            },
        },
    };

    public static Pod Pod(string name, string node, string claim = "data", string phase = "Running", string ns = "apps") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = "uid-" + name, ResourceVersion = "1" },
        Spec = new PodSpec
        {
            NodeName = node,
            Containers = [new Container { Name = "app" }],
            Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
        Status = new PodStatus { Phase = phase },
    };

    public static VolumeAttachment Attachment(string node, string volume = "pv-data") => new()
    {
        Metadata = new ObjectMeta { Name = $"csi-{volume}-{node}", ResourceVersion = "1" },
        Spec = new VolumeAttachmentSpec { Attacher = "csi.example", NodeName = node, Source = new VolumeAttachmentSource { PersistentVolumeName = volume } },
        Status = new VolumeAttachmentStatus { Attached = true },
    };

    public static BackupJob Job(string name = "nightly", string claim = "data", IReadOnlyList<string>? drives = null, BackupJobStatus? status = null, int priority = 0, RedundancySpec? redundancy = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "apps",
            Uid = "0123456789abcdef-" + name,
            Generation = 1,
            ResourceVersion = "100",
            CreationTimestamp = Epoch0.AddMinutes(-10),
        },
        Spec = new BackupJobSpec
        {
            Source = new BackupSource { PersistentVolumeClaim = claim },
            Destination = new BackupDestination { Drives = drives ?? ["td-0", "td-1"], Redundancy = redundancy },
            Priority = priority,
        },
        Status = status,
    };

    public static JobRef Ref(BackupJob job) => BackupJobDecider.RefOf(job);

    public static DriveHolder Holder(BackupJob job, long epoch, string node, int member = 0) => new()
    {
        Job = $"{job.Metadata.Namespace}/{job.Metadata.Name}",
        Kind = BackupJob.KindValue,
        JobUid = job.Metadata.Uid,
        Epoch = epoch,
        Node = node,
        Member = member,
        Since = Epoch0.AddMinutes(-5),
    };

    public static CheckpointRecord Checkpoint(long epoch, long sequence, long bytes, string node, bool valid = true)
    {
        var data = $"{{\"sequence\":{sequence},\"bytes\":{bytes}}}";
        return new CheckpointRecord
        {
            Epoch = epoch,
            Node = node,
            Sequence = sequence,
            BytesDone = bytes,
            Data = data,
            Digest = valid ? Checkpoints.Digest(data) : new string('0', 64),
            Time = Epoch0.AddSeconds(-3),
        };
    }

    public static ClusterSnapshot Cluster(IReadOnlyList<Node> nodes, IReadOnlyList<TapeDrive> drives, DateTimeOffset? now = null, IReadOnlyList<Lease>? leases = null, OperatorSettings? settings = null) => new()
    {
        Nodes = nodes,
        Drives = drives,
        AgentLeases = leases ?? nodes.Select(n => AgentLease(n.Metadata.Name!, (now ?? Epoch0).AddSeconds(-1))).ToList(),
        Now = now ?? Epoch0,
        Settings = settings ?? new OperatorSettings(),
    };
}
