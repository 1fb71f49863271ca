namespace Spool.Api.Core;

public sealed record NodeSelector
{
    public IReadOnlyList<NodeSelectorTerm> NodeSelectorTerms { get; init; } = [];
}
