using System.Security.Cryptography;
using System.Text;
using Spool.Api;
using Spool.Api.Core;
using Spool.DevCluster.Workloads;
using Spool.Kube;

namespace Spool.DevCluster.Nodes;

/// <summary>
/// Everything a real cluster does between "a pod is bound to a node" and "its volume is mounted and it runs":
/// a trivial scheduler, dynamic provisioning on the shared storage, attach/detach (VolumeAttachment objects), and
/// snapshots (<see cref="SnapshotController"/>), the kubelet of every live simulated node, which mounts each claim of its pods at
/// <c>&lt;kubelet-root&gt;/pods/&lt;uid&gt;/volumes/kubernetes.io~csi/&lt;pv&gt;/mount</c> (a symlink to the PV's shared
/// directory) and reports the pod Running. A killed or paused node does none of this: its pods stay as they were.
/// </summary>
public sealed class KubeletSimulator
{
    private readonly IKubernetesClient client;
    private readonly StorageLayout layout;
    private readonly IReadOnlyDictionary<string, SimulatedNode> nodes;
    private readonly SharedVolumes volumes;
    private readonly SnapshotController snapshots;
    private readonly DevClusterOptions options;
    private readonly ClusterLog log;

    public KubeletSimulator(IKubernetesClient client, StorageLayout layout, IReadOnlyDictionary<string, SimulatedNode> nodes, SharedVolumes volumes, DevClusterOptions options, ClusterLog log)
    {
        this.client = client;
        this.layout = layout;
        this.nodes = nodes;
        this.volumes = volumes;
        snapshots = new SnapshotController(client, layout, options.TimeProvider, log);
        this.options = options;
        this.log = log;
    }

    public static string AttachmentName(string volume, string node)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{volume}|{SharedVolumes.Driver}|{node}"));
        return "csi-" + Convert.ToHexStringLower(hash)[..40];
    }

    public async Task RunAsync(Func<CancellationToken, Task> onPass, CancellationToken cancellationToken)
    {
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileOnceAsync(cancellationToken);
                await onPass(cancellationToken);
                failing = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    log.Warning("Kubelet pass failed", ("err", ex.Message));
                    failing = true;
                }
            }

            try
            {
                await Task.Delay(options.ReconcileInterval, options.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        var nodeObjects = (await client.ListAsync<Node>(cancellationToken: cancellationToken)).Items
            .ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);
        var claims = (await client.ListAsync<PersistentVolumeClaim>(cancellationToken: cancellationToken)).Items;
        await snapshots.ReconcileOnceAsync(claims, cancellationToken);
        foreach (var claim in claims.Where(c => string.IsNullOrEmpty(c.Spec.VolumeName) && c.Metadata.DeletionTimestamp is null))
        {
            await volumes.ProvisionAsync(claim, cancellationToken);
        }

        var claimVolumes = claims
            .Where(c => !string.IsNullOrEmpty(c.Spec.VolumeName))
            .ToDictionary(c => $"{c.Metadata.Namespace}/{c.Metadata.Name}", c => c.Spec.VolumeName!, StringComparer.Ordinal);
        var pods = (await client.ListAsync<Pod>(cancellationToken: cancellationToken)).Items;

        foreach (var pod in pods)
        {
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                await FinishDeletionAsync(pod, cancellationToken);
                continue;
            }

            if (string.IsNullOrEmpty(pod.Spec.NodeName))
            {
                await ScheduleAsync(pod, nodeObjects, pods, cancellationToken);
                continue;
            }

            if (!nodes.TryGetValue(pod.Spec.NodeName, out var node) || !node.Alive)
            {
                continue;
            }

            if (pod.Status?.Phase is "Running" or "Succeeded" or "Failed")
            {
                continue;
            }

            await StartPodAsync(pod, node, claimVolumes, cancellationToken);
        }

        await DetachUnusedAsync(pods, claimVolumes, cancellationToken);
        UnmountDeletedPods(pods);
        await volumes.ReclaimAsync(claims, cancellationToken);
    }

    private async Task FinishDeletionAsync(Pod pod, CancellationToken cancellationToken)
    {
        // Graceful deletion: the kubelet of a live node confirms it; a dead node's pods are force-deleted by whoever evicts them.
        if (pod.Spec.NodeName is { } nodeName && nodes.TryGetValue(nodeName, out var node) && !node.Alive)
        {
            return;
        }

        await client.DeleteAsync<Pod>(pod.Metadata.Name!, pod.Metadata.Namespace, new DeleteOptions { GracePeriodSeconds = 0 }, cancellationToken);
    }

    private async Task ScheduleAsync(Pod pod, IReadOnlyDictionary<string, Node> nodeObjects, IReadOnlyList<Pod> pods, CancellationToken cancellationToken)
    {
        IEnumerable<Node> candidates = nodeObjects.Values.Where(NodeConditions.IsSchedulable);
        if (pod.Spec.NodeSelector is { Count: > 0 } selector)
        {
            candidates = candidates.Where(n => selector.All(kv => n.Metadata.Labels?.GetValueOrDefault(kv.Key) == kv.Value));
        }

        var target = candidates
            .OrderBy(n => pods.Count(p => p.Spec.NodeName == n.Metadata.Name))
            .ThenBy(n => n.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (target is null)
        {
            return;
        }

        await client.PatchAsync<Pod>(pod.Metadata.Name!, pod.Metadata.Namespace, KubePatch.Merge(KubeJson.Serialize(new { spec = new { nodeName = target.Metadata.Name } })), cancellationToken: cancellationToken);
        log.Info("Scheduled pod", ("pod", $"{pod.Metadata.Namespace}/{pod.Metadata.Name}"), ("node", target.Metadata.Name));
    }

    private async Task StartPodAsync(Pod pod, SimulatedNode node, IReadOnlyDictionary<string, string> claimVolumes, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata.Uid ?? throw new InvalidOperationException($"pod {pod.Metadata.Name} has no uid");
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            if (volume.PersistentVolumeClaim is not { } source)
            {
                continue;
            }

            if (!claimVolumes.TryGetValue($"{pod.Metadata.Namespace}/{source.ClaimName}", out var pv))
            {
                // The claim is not bound yet; the pod stays Pending like ContainerCreating.
                return;
            }

            await AttachAsync(pv, node.Name, cancellationToken);
            Mount(node.Name, uid, pv);
        }

        var status = new PodStatus
        {
            Phase = "Running",
            HostIP = "127.0.0.1",
            PodIP = "10.244.0." + (Math.Abs(uid.GetHashCode(StringComparison.Ordinal)) % 250 + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            StartTime = options.TimeProvider.GetUtcNow(),
            Conditions =
            [
                new Condition { Type = "Ready", Status = ConditionStatus.True, LastTransitionTime = options.TimeProvider.GetUtcNow() },
                new Condition { Type = "ContainersReady", Status = ConditionStatus.True, LastTransitionTime = options.TimeProvider.GetUtcNow() },
            ],
        };
        await client.PatchAsync<Pod>(pod.Metadata.Name!, pod.Metadata.Namespace, KubePatch.Merge(KubeJson.Serialize(new { status })), "status", cancellationToken);
        log.Info("Pod running", ("pod", $"{pod.Metadata.Namespace}/{pod.Metadata.Name}"), ("uid", uid), ("node", node.Name));
    }

    private async Task AttachAsync(string volume, string node, CancellationToken cancellationToken)
    {
        var name = AttachmentName(volume, node);
        var existing = await client.GetAsync<VolumeAttachment>(name, cancellationToken: cancellationToken);
        if (existing is null)
        {
            try
            {
                existing = await client.CreateAsync(new VolumeAttachment
                {
                    Metadata = new ObjectMeta { Name = name },
                    Spec = new VolumeAttachmentSpec { Attacher = SharedVolumes.Driver, NodeName = node, Source = new VolumeAttachmentSource { PersistentVolumeName = volume } },
                }, cancellationToken);
            }
            catch (KubernetesAlreadyExistsException)
            {
                existing = await client.GetAsync<VolumeAttachment>(name, cancellationToken: cancellationToken);
            }
        }

        if (existing?.Status?.Attached != true)
        {
            await client.PatchAsync<VolumeAttachment>(name, null, KubePatch.Merge("""{"status":{"attached":true}}"""), "status", cancellationToken);
            log.Info("Attached volume", ("volume", volume), ("node", node));
        }
    }

    private void Mount(string node, string podUid, string volume)
    {
        var mount = layout.PodVolumeMount(node, podUid, volume);
        var target = layout.VolumeData(volume);
        Directory.CreateDirectory(target);
        var info = new FileInfo(mount);
        if (info.LinkTarget == target)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(mount)!);
        if (info.Exists || info.LinkTarget is not null)
        {
            File.Delete(mount);
        }

        Directory.CreateSymbolicLink(mount, target);
    }

    private async Task DetachUnusedAsync(IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, string> claimVolumes, CancellationToken cancellationToken)
    {
        var inUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods.Where(p => p.Spec.NodeName is not null))
        {
            foreach (var volume in pod.Spec.Volumes ?? [])
            {
                if (volume.PersistentVolumeClaim is { } source && claimVolumes.TryGetValue($"{pod.Metadata.Namespace}/{source.ClaimName}", out var pv))
                {
                    inUse.Add(AttachmentName(pv, pod.Spec.NodeName!));
                }
            }
        }

        var attachments = await client.ListAsync<VolumeAttachment>(cancellationToken: cancellationToken);
        foreach (var attachment in attachments.Items.Where(a => a.Spec.Attacher == SharedVolumes.Driver && !inUse.Contains(a.Metadata.Name!)))
        {
            await client.DeleteAsync<VolumeAttachment>(attachment.Metadata.Name!, cancellationToken: cancellationToken);
            log.Info("Detached volume", ("volume", attachment.Spec.Source.PersistentVolumeName), ("node", attachment.Spec.NodeName));
        }
    }

    private void UnmountDeletedPods(IReadOnlyList<Pod> pods)
    {
        var live = pods.Select(p => p.Metadata.Uid).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var node in nodes.Values.Where(n => n.Alive))
        {
            var podsDir = Path.Combine(node.KubeletRoot, "pods");
            if (!Directory.Exists(podsDir))
            {
                continue;
            }

            foreach (var podDir in Directory.GetDirectories(podsDir))
            {
                if (live.Contains(Path.GetFileName(podDir)))
                {
                    continue;
                }

                Unmount(podDir);
            }
        }
    }

    /// <summary>Removes the mount symlinks first, so that nothing ever follows them into the shared data.</summary>
    public static void Unmount(string podDir)
    {
        var csi = Path.Combine(podDir, "volumes", "kubernetes.io~csi");
        if (Directory.Exists(csi))
        {
            foreach (var volumeDir in Directory.GetDirectories(csi))
            {
                var mount = Path.Combine(volumeDir, "mount");
                if (new FileInfo(mount).LinkTarget is not null)
                {
                    File.Delete(mount);
                }
            }
        }

        Directory.Delete(podDir, recursive: true);
    }
}
