namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "PersistentVolume", "persistentvolumes", Namespaced = false)]
public sealed record PersistentVolume : IHasStatus<PersistentVolumeStatus>
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "PersistentVolume";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public PersistentVolumeSpec Spec { get; init; } = new();

    public PersistentVolumeStatus? Status { get; init; }
}
