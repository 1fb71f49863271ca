namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "Namespace", "namespaces", Namespaced = false)]
public sealed record Namespace : IHasStatus<NamespaceStatus>
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "Namespace";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public NamespaceStatus? Status { get; init; }
}
