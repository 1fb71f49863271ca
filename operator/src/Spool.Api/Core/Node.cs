namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "Node", "nodes", Namespaced = false)]
public sealed record Node : IHasStatus<NodeStatus>
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "Node";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public NodeSpec? Spec { get; init; }

    public NodeStatus? Status { get; init; }
}
