namespace Spool.Api.Core;

[KubernetesEntity("coordination.k8s.io", "v1", "Lease", "leases")]
public sealed record Lease : IKubernetesObject
{
    public const string ApiVersionValue = "coordination.k8s.io/v1";

    public const string KindValue = "Lease";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public LeaseSpec Spec { get; init; } = new();
}
