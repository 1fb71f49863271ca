using System.Collections.Concurrent;
using Spool.Api;
using Spool.Api.Core;
using Spool.DevCluster.Nodes;
using Spool.Kube;

namespace Spool.DevCluster.Workloads;

/// <summary>
/// Keeps every registered workload's pod Running on some Ready, schedulable node. A pod on a node that is NotReady,
/// cordoned or gone is evicted (force-deleted, as the taint manager and a drain do) and created again on another
/// node: same name, new uid, so that the volume is mounted at a new path on the new node.
/// </summary>
public sealed class WorkloadController
{
    public const string AppLabel = "app";
    public const string WorkloadLabel = "dev.spool.dev/workload";

    private readonly IKubernetesClient client;
    private readonly ClusterLog log;
    private readonly ConcurrentDictionary<string, WorkloadSpec> workloads = new(StringComparer.Ordinal);

    public WorkloadController(IKubernetesClient client, ClusterLog log)
    {
        this.client = client;
        this.log = log;
    }

    public IReadOnlyCollection<WorkloadSpec> Workloads => workloads.Values.ToList();

    public void Register(WorkloadSpec spec) => workloads[$"{spec.Namespace}/{spec.Name}"] = spec;

    public bool Unregister(WorkloadSpec spec) => workloads.TryRemove($"{spec.Namespace}/{spec.Name}", out _);

    public async Task ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        if (workloads.IsEmpty)
        {
            return;
        }

        var nodeObjects = (await client.ListAsync<Node>(cancellationToken: cancellationToken)).Items;
        var byName = nodeObjects.ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);
        var pods = (await client.ListAsync<Pod>(options: new ListOptions { LabelSelector = WorkloadLabel }, cancellationToken: cancellationToken)).Items;
        foreach (var spec in workloads.Values)
        {
            await ReconcileAsync(spec, byName, pods, cancellationToken);
        }
    }

    private async Task ReconcileAsync(WorkloadSpec spec, IReadOnlyDictionary<string, Node> nodes, IReadOnlyList<Pod> allPods, CancellationToken cancellationToken)
    {
        var pods = allPods.Where(p => p.Metadata.Namespace == spec.Namespace && p.Metadata.Labels?.GetValueOrDefault(WorkloadLabel) == spec.Name).ToList();
        foreach (var pod in pods)
        {
            var nodeName = pod.Spec.NodeName;
            if (nodeName is null)
            {
                continue;
            }

            if (!nodes.TryGetValue(nodeName, out var node) || !NodeConditions.IsSchedulable(node))
            {
                var why = node is null ? "NodeDeleted" : !NodeConditions.IsReady(node) ? "NodeNotReady" : "NodeCordoned";
                await client.DeleteAsync<Pod>(pod.Metadata.Name!, pod.Metadata.Namespace, new DeleteOptions { GracePeriodSeconds = 0 }, cancellationToken);
                log.Info("Evicted pod", ("pod", $"{spec.Namespace}/{pod.Metadata.Name}"), ("uid", pod.Metadata.Uid), ("node", nodeName), ("reason", why));
                return;
            }
        }

        if (pods.Count > 0)
        {
            return;
        }

        var schedulable = nodes.Values.Where(NodeConditions.IsSchedulable).ToList();
        if (schedulable.Count == 0)
        {
            return;
        }

        var target = schedulable.FirstOrDefault(n => n.Metadata.Name == spec.PreferredNode)
            ?? schedulable
                .OrderBy(n => allPods.Count(p => p.Spec.NodeName == n.Metadata.Name))
                .ThenBy(n => n.Metadata.Name, StringComparer.Ordinal)
                .First();
        var labels = new Dictionary<string, string> { [AppLabel] = spec.Name, [WorkloadLabel] = spec.Name };
        try
        {
            await client.CreateAsync(new Pod
            {
                Metadata = new ObjectMeta { Name = spec.PodName, Namespace = spec.Namespace, Labels = labels },
                Spec = new PodSpec
                {
                    NodeName = target.Metadata.Name,
                    RestartPolicy = "Always",
                    Containers =
                    [
                        new Container
                        {
                            Name = "app",
                            Image = "dev.spool.dev/simulated-workload:1",
                            Command = ["sleep", "infinity"],
                            VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/data" }],
                        },
                    ],
                    Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = spec.ClaimName } }],
                },
            }, cancellationToken);
            log.Info("Created workload pod", ("pod", $"{spec.Namespace}/{spec.PodName}"), ("node", target.Metadata.Name));
        }
        catch (KubernetesAlreadyExistsException)
        {
        }
    }
}
