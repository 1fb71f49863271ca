using Spool.Agent.Host.Jobs;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;

namespace Spool.Agent.Host.Volumes;

/// <summary>Turns the operator's <see cref="ResolvedVolume"/> into the directory on this node.</summary>
public sealed class VolumeResolver(IKubernetesClient client, VolumeLocator locator)
{
    /// <exception cref="AgentFailureException">Reason VolumeNotFound.</exception>
    public async Task<string> ResolveAsync(ResolvedVolume? volume, string jobNamespace, CancellationToken cancellationToken)
    {
        if (volume?.Pod is null && volume?.PodUid is null)
        {
            throw new AgentFailureException(ReportReasons.VolumeNotFound, "the job status names no pod that mounts the volume");
        }

        var ns = volume.Namespace ?? jobNamespace;
        Pod? pod = volume.Pod is null ? null : await client.GetAsync<Pod>(volume.Pod, ns, cancellationToken).ConfigureAwait(false);
        var uid = volume.PodUid ?? pod?.Metadata.Uid;
        if (uid is null)
        {
            throw new AgentFailureException(ReportReasons.VolumeNotFound, $"pod {ns}/{volume.Pod} does not exist");
        }

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

        return locator.Find(uid, candidates)
            ?? throw new AgentFailureException(
                ReportReasons.VolumeNotFound,
                $"no volume {string.Join(" or ", candidates.Where(c => c is not null))} of pod {ns}/{volume.Pod ?? uid} under {Path.Combine(locator.KubeletRoot, "pods", uid, "volumes")}");
    }
}
