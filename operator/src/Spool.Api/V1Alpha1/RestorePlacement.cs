using System.ComponentModel;

namespace Spool.Api.V1Alpha1;

public sealed record RestorePlacement
{
    /// <summary>WhereTargetRuns places the restore on the node where the target claim is mounted now; Node uses nodeName.</summary>
    [DefaultValue(RestorePlacementMode.WhereTargetRuns)]
    public RestorePlacementMode Mode { get; init; } = RestorePlacementMode.WhereTargetRuns;

    /// <summary>Node for mode Node. With WhereTargetRuns: the node whose mounter pod brings up a target that nothing mounts (in a federated restore, where workloads that run nowhere are restored).</summary>
    public string? NodeName { get; init; }
}
