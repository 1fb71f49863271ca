using Spool.Api;
using Spool.Api.Core;

namespace Spool.DevCluster.Nodes;

/// <summary>Reads and builds the Ready condition of a Node.</summary>
public static class NodeConditions
{
    public const string Ready = "Ready";

    public static NodeCondition? ReadyCondition(Node node) =>
        node.Status?.Conditions?.FirstOrDefault(c => c.Type == Ready);

    public static bool IsReady(Node node) => ReadyCondition(node)?.Status == ConditionStatus.True;

    public static bool IsSchedulable(Node node) => IsReady(node) && node.Spec?.Unschedulable != true;

    public static string MergePatch(NodeCondition ready) =>
        KubeJson.Serialize(new { status = new NodeStatus { Conditions = [ready] } });
}
