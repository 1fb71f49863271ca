using System.ComponentModel;

namespace Spool.Api.V1Alpha1;

public sealed record RestorePlacement
{
    /// <summary>WhereTargetRuns places the restore on the node where the target claim is mounted now; Node uses nodeName.</summary>
    [DefaultValue(RestorePlacementMode.WhereTargetRuns)]
    public RestorePlacementMode Mode { get; init; } = RestorePlacementMode.WhereTargetRuns;

    /// <summary>Node for mode Node, and for workloads that do not run anywhere.</summary>
    public string? NodeName { get; init; }
}
