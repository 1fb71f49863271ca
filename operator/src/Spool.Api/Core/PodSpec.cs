namespace Spool.Api.Core;

public sealed record PodSpec
{
    public string? NodeName { get; init; }

    public IReadOnlyList<Container> Containers { get; init; } = [];

    public IReadOnlyList<Volume>? Volumes { get; init; }

    public string? RestartPolicy { get; init; }

    public string? ServiceAccountName { get; init; }

    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    public System.Text.Json.Nodes.JsonArray? Tolerations { get; init; }
}
