using Spool.Agent.Host.Jobs;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;

namespace Spool.Agent.Host.Volumes;

/// <summary>Turns the operator's <see cref="ResolvedVolume"/> into the directory on this node.</summary>
public sealed class VolumeResolver(IKubernetesClient client, VolumeLocator locator)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The volume's directory on this node. A pod that is still starting (the kubelet has not mounted yet, or the
    /// operator placed the job through a VolumeAttachment before the workload pod came back) is waited for up to
    /// <paramref name="wait"/>.
    /// </summary>
    /// <exception cref="AgentFailureException">Reason VolumeNotFound.</exception>
    public async Task<string> ResolveAsync(ResolvedVolume? volume, string jobNamespace, CancellationToken cancellationToken, TimeSpan wait = default, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var (path, problem) = await TryResolveAsync(volume, jobNamespace, cancellationToken).ConfigureAwait(false);
            if (path is not null)
            {
                return path;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new AgentFailureException(ReportReasons.VolumeNotFound, problem);
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(string? Path, string Problem)> TryResolveAsync(ResolvedVolume? volume, string jobNamespace, CancellationToken cancellationToken)
    {
        if (volume is null)
        {
            return (null, "the job status names no volume");
        }

        var ns = volume.Namespace ?? jobNamespace;
        Pod? pod = volume.Pod is null ? null : await client.GetAsync<Pod>(volume.Pod, ns, cancellationToken).ConfigureAwait(false);
        var candidates = new List<string?> { volume.PersistentVolume };
        if (volume.PersistentVolumeClaim is not null)
        {
            if (volume.PersistentVolume is null)
            {
                var claim = await client.GetAsync<PersistentVolumeClaim>(volume.PersistentVolumeClaim, ns, cancellationToken).ConfigureAwait(false);
                candidates.Add(claim?.Spec.VolumeName);
            }

            candidates.AddRange(pod?.Spec.Volumes?
                .Where(v => string.Equals(v.PersistentVolumeClaim?.ClaimName, volume.PersistentVolumeClaim, StringComparison.Ordinal))
                .Select(v => v.Name) ?? []);
        }

        var names = string.Join(" or ", candidates.Where(c => c is not null));
        var uid = volume.PodUid ?? pod?.Metadata.Uid;
        if (uid is null)
        {
            // Placed without a pod (VolumeAttachment, node affinity): any pod of this node that mounts the PV will do.
            var anywhere = locator.FindInAnyPod(candidates);
            return anywhere is not null
                ? (anywhere, "")
                : (null, volume.Pod is null
                    ? $"no pod on this node mounts volume {names} under {Path.Combine(locator.KubeletRoot, "pods")}"
                    : $"pod {ns}/{volume.Pod} does not exist");
        }

        return (locator.Find(uid, candidates), $"no volume {names} of pod {ns}/{volume.Pod ?? uid} under {Path.Combine(locator.KubeletRoot, "pods", uid, "volumes")}");
    }
}
