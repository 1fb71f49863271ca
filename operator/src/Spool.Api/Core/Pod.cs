namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "Pod", "pods")]
public sealed record Pod : IHasStatus<PodStatus>
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "Pod";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public PodSpec Spec { get; init; } = new();

    public PodStatus? Status { get; init; }
}
