using Spool.Api;
using Spool.Api.Core;
using Spool.Kube;

namespace Spool.DevCluster.Nodes;

/// <summary>
/// The kubelet's node status loop for one simulated node: while the node runs, it posts Ready=True with a fresh
/// lastHeartbeatTime every interval. A killed or paused node posts nothing, which is how the lifecycle controller notices.
/// </summary>
public sealed class NodeHeartbeat
{
    private readonly SimulatedNode node;
    private readonly IKubernetesClient client;
    private readonly DevClusterOptions options;
    private readonly ClusterLog log;

    public NodeHeartbeat(SimulatedNode node, IKubernetesClient client, DevClusterOptions options, ClusterLog log)
    {
        this.node = node;
        this.client = client;
        this.options = options;
        this.log = log;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (node.Alive)
            {
                try
                {
                    await BeatAsync(cancellationToken);
                    if (failing)
                    {
                        log.Info("Node heartbeat recovered", ("node", node.Name));
                        failing = false;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (!failing)
                    {
                        log.Warning("Node heartbeat failed", ("node", node.Name), ("err", ex.Message));
                        failing = true;
                    }
                }
            }

            try
            {
                await Task.Delay(options.HeartbeatInterval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Posts one heartbeat now.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        var current = await client.GetAsync<Node>(node.Name, cancellationToken: cancellationToken);
        if (current is null)
        {
            return;
        }

        var previous = NodeConditions.ReadyCondition(current);
        var transition = previous?.Status == ConditionStatus.True ? previous.LastTransitionTime ?? now : now;
        var ready = new NodeCondition
        {
            Type = NodeConditions.Ready,
            Status = ConditionStatus.True,
            Reason = "KubeletReady",
            Message = "kubelet is posting ready status",
            LastHeartbeatTime = now,
            LastTransitionTime = transition,
        };
        await client.PatchAsync<Node>(node.Name, null, KubePatch.Merge(NodeConditions.MergePatch(ready)), "status", cancellationToken);
        node.LastHeartbeat = now;
        if (previous?.Status != ConditionStatus.True)
        {
            log.Info("Node became Ready", ("node", node.Name));
        }
    }
}
