using System.Globalization;
using Spool.Api;
using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>
/// Names, labels and builders of the objects of CSISnapshot mode: the VolumeSnapshot the agent creates
/// (<c>spool-&lt;job&gt;-e&lt;epoch&gt;</c>), and the clone claim and helper pod the operator creates from it. All three
/// carry the job and the epoch in labels, so that the operator finds them without knowing their names.
/// </summary>
public static class SnapshotClones
{
    /// <summary>On the clone claim and the helper pod: the job (in their namespace) they were made for.</summary>
    public const string CloneLabel = "spool.dev/snapshot-clone";

    /// <summary>On the VolumeSnapshot: the job that took it.</summary>
    public const string SnapshotForLabel = "spool.dev/snapshot-for";

    public const string EpochLabel = "spool.dev/epoch";

    public const string SnapshotApiGroup = "snapshot.storage.k8s.io";

    /// <summary>The agent's name for the snapshot of one epoch; it must stay in step with the agent.</summary>
    public static string SnapshotName(string job, long epoch)
    {
        var name = $"spool-{job}-e{Epoch(epoch)}";
        return name.Length <= 253 ? name : name[..253];
    }

    /// <summary>Claim and pod share a name; the epoch suffix survives truncation, so epochs never collide.</summary>
    public static string CloneName(string job, long epoch)
    {
        var suffix = "-e" + Epoch(epoch);
        var head = "spool-clone-" + job;
        var room = 63 - suffix.Length;
        return (head.Length <= room ? head : head[..room].TrimEnd('-', '.')) + suffix;
    }

    /// <summary>The epoch an object of the job was made for; null when its label is missing or unreadable.</summary>
    public static long? EpochOf(ObjectMeta metadata) =>
        metadata.Labels?.GetValueOrDefault(EpochLabel) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? epoch : null;

    public static bool IsForJob(ObjectMeta metadata, string label, JobRef job) =>
        metadata.Namespace == job.Namespace && metadata.Labels?.GetValueOrDefault(label) == job.Name;

    /// <summary>A claim like the source (class, size, access and volume mode) whose data comes from the snapshot.</summary>
    public static PersistentVolumeClaim BuildClaim(JobRef job, string apiVersion, long epoch, PersistentVolumeClaim source, VolumeSnapshot snapshot)
    {
        var size = source.Spec.Resources?.Requests?.GetValueOrDefault("storage")
            ?? source.Status?.Capacity?.GetValueOrDefault("storage")
            ?? snapshot.Status?.RestoreSize
            ?? "1Gi";
        return new PersistentVolumeClaim
        {
            Metadata = Metadata(job, apiVersion, epoch),
            Spec = new PersistentVolumeClaimSpec
            {
                AccessModes = source.Spec.AccessModes ?? ["ReadWriteOnce"],
                StorageClassName = source.Spec.StorageClassName,
                VolumeMode = source.Spec.VolumeMode,
                Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = size } },
                DataSource = new TypedLocalObjectReference { ApiGroup = SnapshotApiGroup, Kind = VolumeSnapshot.KindValue, Name = snapshot.Metadata.Name ?? "" },
            },
        };
    }

    /// <summary>The pod that mounts the clone read-only on the job's node, where the agent reads it.</summary>
    public static Pod BuildPod(JobRef job, string apiVersion, long epoch, string node, string image) => new()
    {
        Metadata = Metadata(job, apiVersion, epoch),
        Spec = new PodSpec
        {
            NodeName = node,
            RestartPolicy = "Never",
            Containers =
            [
                new Container
                {
                    Name = "mount",
                    Image = image,
                    VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data", ReadOnly = true }],
                },
            ],
            Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = CloneName(job.Name, epoch), ReadOnly = true } }],
        },
    };

    private static ObjectMeta Metadata(JobRef job, string apiVersion, long epoch) => new()
    {
        Name = CloneName(job.Name, epoch),
        Namespace = job.Namespace,
        Labels = new Dictionary<string, string>
        {
            [CloneLabel] = job.Name,
            [EpochLabel] = Epoch(epoch),
            ["app.kubernetes.io/managed-by"] = "spool-operator",
        },
        OwnerReferences = job.Uid is null ? null :
        [
            new OwnerReference { ApiVersion = apiVersion, Kind = job.Kind, Name = job.Name, Uid = job.Uid, Controller = true, BlockOwnerDeletion = true },
        ],
    };

    private static string Epoch(long epoch) => epoch.ToString(CultureInfo.InvariantCulture);
}
