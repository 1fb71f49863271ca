namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "ConfigMap", "configmaps")]
public sealed record ConfigMap : IKubernetesObject
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "ConfigMap";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public IReadOnlyDictionary<string, string>? Data { get; init; }

    public IReadOnlyDictionary<string, string>? BinaryData { get; init; }
}
