namespace Spool.Api;

public sealed record LabelSelectorRequirement
{
    public string Key { get; init; } = "";

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    public string Operator { get; init; } = "In";

    public IReadOnlyList<string>? Values { get; init; }
}
