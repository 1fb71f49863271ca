using Spool.Api;
using Spool.Api.Core;
using Spool.Kube;

namespace Spool.DevCluster.Nodes;

/// <summary>
/// Like the node lifecycle controller of kube-controller-manager: a Ready node whose lastHeartbeatTime is older than
/// the grace period turns Ready=Unknown (reason NodeStatusUnknown). Right after the API server was unreachable, it waits
/// one grace period before judging, so that an API server restart does not make every node NotReady.
/// </summary>
public sealed class NodeLifecycleController
{
    private readonly IKubernetesClient client;
    private readonly DevClusterOptions options;
    private readonly ClusterLog log;
    private DateTimeOffset? lastFailure;

    public NodeLifecycleController(IKubernetesClient client, DevClusterOptions options, ClusterLog log)
    {
        this.client = client;
        this.options = options;
        this.log = log;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        var period = TimeSpan.FromMilliseconds(Math.Max(200, options.NodeGracePeriod.TotalMilliseconds / 6));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await CheckOnceAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastFailure = time.GetUtcNow();
                log.Warning("Node lifecycle check failed", ("err", ex.Message));
            }

            try
            {
                await Task.Delay(period, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        var nodes = await client.ListAsync<Node>(cancellationToken: cancellationToken);
        if (lastFailure is { } failed && now - failed < options.NodeGracePeriod)
        {
            return;
        }

        foreach (var node in nodes.Items)
        {
            var ready = NodeConditions.ReadyCondition(node);
            if (ready is null || ready.Status != ConditionStatus.True)
            {
                continue;
            }

            var heartbeat = ready.LastHeartbeatTime ?? DateTimeOffset.MinValue;
            if (now - heartbeat <= options.NodeGracePeriod)
            {
                continue;
            }

            var unknown = ready with
            {
                Status = ConditionStatus.Unknown,
                Reason = "NodeStatusUnknown",
                Message = "Kubelet stopped posting node status.",
                LastTransitionTime = now,
            };
            try
            {
                await client.PatchAsync<Node>(node.Metadata.Name!, null, KubePatch.Merge(NodeConditions.MergePatch(unknown)), "status", cancellationToken);
                log.Info("Node is NotReady", ("node", node.Metadata.Name), ("lastHeartbeat", heartbeat.ToString("O", System.Globalization.CultureInfo.InvariantCulture)), ("grace", options.NodeGracePeriod.TotalSeconds));
            }
            catch (KubernetesConflictException)
            {
            }
        }
    }
}
