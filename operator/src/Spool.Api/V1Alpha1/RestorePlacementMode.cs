namespace Spool.Api.V1Alpha1;

public enum RestorePlacementMode
{
    WhereTargetRuns,
    Node,
}
