namespace Spool.Api;

/// <summary>A label query: all of <see cref="MatchLabels"/> and <see cref="MatchExpressions"/> must hold.</summary>
public sealed record LabelSelector
{
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}
