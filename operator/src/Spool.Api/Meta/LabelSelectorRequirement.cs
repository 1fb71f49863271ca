namespace Spool.Api;

public sealed record LabelSelectorRequirement
{
    /// <summary>The label key.</summary>
    public string Key { get; init; } = "";

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    public string Operator { get; init; } = "In";

    /// <summary>Values for In and NotIn; empty for Exists and DoesNotExist.</summary>
    public IReadOnlyList<string>? Values { get; init; }
}
