using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>
/// Where a claim's volume lives now: the node of a Running pod that mounts it (several for RWX: the job's current node
/// if still among them, else the healthy one with the fewest running Spool jobs) → the node of an attached
/// VolumeAttachment → the PV's required node affinity → none (wait with VolumeNotMounted, or a mounter pod).
/// </summary>
public static class OwnerResolver
{
    public const string ClaimNotFound = "ClaimNotFound";
    public const string VolumeNotMounted = "VolumeNotMounted";

    public static OwnerResolution Resolve(OwnerQuery query, ClusterSnapshot cluster)
    {
        if (query.Claim is null)
        {
            return OwnerResolution.Wait(ClaimNotFound, $"PersistentVolumeClaim {query.Namespace}/{query.ClaimName} does not exist", stalled: true);
        }

        var volumeName = query.Claim.Spec.VolumeName;
        var mounting = query.Pods
            .Where(p => p.Metadata.DeletionTimestamp is null
                && p.Status?.Phase == "Running"
                && !string.IsNullOrEmpty(p.Spec.NodeName)
                && p.Metadata.Namespace == query.Namespace
                && p.Spec.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == query.ClaimName) == true)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        if (mounting.Count > 0)
        {
            var node = Choose(mounting.Select(p => p.Spec.NodeName!).Distinct(StringComparer.Ordinal).ToList(), query.PreferredNode, cluster);
            var pod = mounting.First(p => p.Spec.NodeName == node);
            return new OwnerResolution
            {
                Node = node,
                Pod = pod.Metadata.Name,
                PodUid = pod.Metadata.Uid,
                PersistentVolume = volumeName,
                Resolution = pod.Metadata.Name == query.MounterPod ? "MounterPod" : "RunningPod",
            };
        }

        if (query.Volume is { } volume)
        {
            var attached = query.Attachments
                .Where(a => a.Status?.Attached == true && a.Spec.Source.PersistentVolumeName == volume.Metadata.Name && a.Spec.NodeName.Length > 0)
                .Select(a => a.Spec.NodeName)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (attached.Count > 0)
            {
                return new OwnerResolution
                {
                    Node = Choose(attached, query.PreferredNode, cluster),
                    PersistentVolume = volume.Metadata.Name,
                    Resolution = "VolumeAttachment",
                };
            }

            if (volume.Spec.NodeAffinity?.Required is { } required)
            {
                var pinned = cluster.Nodes
                    .Where(n => Selectors.Matches(required, n))
                    .Select(n => n.Metadata.Name!)
                    .OrderBy(n => n, StringComparer.Ordinal)
                    .ToList();
                if (pinned.Count > 0)
                {
                    return new OwnerResolution
                    {
                        Node = Choose(pinned, query.PreferredNode, cluster),
                        PersistentVolume = volume.Metadata.Name,
                        Resolution = "NodeAffinity",
                    };
                }

                return OwnerResolution.Wait(VolumeNotMounted, $"no node matches the node affinity of PersistentVolume {volume.Metadata.Name}", volume: volume.Metadata.Name);
            }
        }

        var what = volumeName is null ? $"claim {query.Namespace}/{query.ClaimName} is not bound" : $"no Running pod mounts claim {query.Namespace}/{query.ClaimName} and PersistentVolume {volumeName} is neither attached nor pinned to a node";
        return OwnerResolution.Wait(VolumeNotMounted, what, needsMounter: volumeName is not null || query.Claim is not null, volume: volumeName);
    }

    /// <summary>The preferred node if it is a candidate; else healthy candidates by fewest running jobs, then name.</summary>
    private static string Choose(IReadOnlyList<string> candidates, string? preferred, ClusterSnapshot cluster)
    {
        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        if (preferred is not null && candidates.Contains(preferred) && NodeHealth.IsHealthy(cluster, preferred))
        {
            return preferred;
        }

        var healthy = candidates.Where(n => NodeHealth.IsHealthy(cluster, n)).ToList();
        var pool = healthy.Count > 0 ? healthy : candidates.ToList();
        return pool
            .OrderBy(cluster.RunningOn)
            .ThenBy(n => n, StringComparer.Ordinal)
            .First();
    }
}
