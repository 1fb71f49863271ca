namespace Spool.Api.Core;

public sealed record NodeStatus
{
    public IReadOnlyList<NodeCondition>? Conditions { get; init; }

    public IReadOnlyList<NodeAddress>? Addresses { get; init; }

    public IReadOnlyDictionary<string, string>? Capacity { get; init; }

    public IReadOnlyDictionary<string, string>? Allocatable { get; init; }
}
