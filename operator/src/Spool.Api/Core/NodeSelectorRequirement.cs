namespace Spool.Api.Core;

public sealed record NodeSelectorRequirement
{
    public string Key { get; init; } = "";

    public string Operator { get; init; } = "In";

    public IReadOnlyList<string>? Values { get; init; }
}
