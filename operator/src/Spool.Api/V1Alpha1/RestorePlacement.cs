using System.ComponentModel;

namespace Spool.Api.V1Alpha1;

public sealed record RestorePlacement
{
    [DefaultValue(RestorePlacementMode.WhereTargetRuns)]
    public RestorePlacementMode Mode { get; init; } = RestorePlacementMode.WhereTargetRuns;

    /// <summary>Node for mode Node, and for workloads that do not run anywhere.</summary>
    public string? NodeName { get; init; }
}
