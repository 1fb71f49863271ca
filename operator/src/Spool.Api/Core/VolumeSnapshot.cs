namespace Spool.Api.Core;

[KubernetesEntity("snapshot.storage.k8s.io", "v1", "VolumeSnapshot", "volumesnapshots")]
public sealed record VolumeSnapshot : IHasStatus<VolumeSnapshotStatus>
{
    public const string ApiVersionValue = "snapshot.storage.k8s.io/v1";

    public const string KindValue = "VolumeSnapshot";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public VolumeSnapshotSpec Spec { get; init; } = new();

    public VolumeSnapshotStatus? Status { get; init; }
}
