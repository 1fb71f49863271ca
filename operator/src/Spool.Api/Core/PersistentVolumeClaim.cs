namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims")]
public sealed record PersistentVolumeClaim : IHasStatus<PersistentVolumeClaimStatus>
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "PersistentVolumeClaim";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public PersistentVolumeClaimSpec Spec { get; init; } = new();

    public PersistentVolumeClaimStatus? Status { get; init; }
}
