namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "Secret", "secrets")]
public sealed record Secret : IKubernetesObject
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "Secret";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public string? Type { get; init; }

    public IReadOnlyDictionary<string, string>? Data { get; init; }

    public IReadOnlyDictionary<string, string>? StringData { get; init; }
}
