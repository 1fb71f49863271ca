namespace Spool.Api;

/// <summary>A label query: all of <see cref="MatchLabels"/> and <see cref="MatchExpressions"/> must hold.</summary>
public sealed record LabelSelector
{
    /// <summary>Labels that must all be present with these values.</summary>
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }

    /// <summary>Set-based requirements that must all hold.</summary>
    public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}
