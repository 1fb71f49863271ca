namespace Spool.Agent.Host.Volumes;

/// <summary>
/// Finds a pod's volume under the kubelet root: <c>pods/&lt;uid&gt;/volumes/&lt;plugin&gt;/&lt;name&gt;</c>, where CSI volumes
/// keep the data one level down in <c>mount</c>. A PVC-backed volume is named after its PV; an in-line volume after the
/// pod's volume name.
/// </summary>
public sealed class VolumeLocator(string kubeletRoot)
{
    private const string CsiPlugin = "kubernetes.io~csi";

    public string KubeletRoot { get; } = kubeletRoot;

    /// <summary>The directory to read or write, with a symlinked volume root resolved; null when there is none.</summary>
    /// <param name="podUid">The pod that mounts the volume.</param>
    /// <param name="candidateNames">Names the volume directory may have, most specific first (PV name, then pod volume name).</param>
    public string? Find(string podUid, IEnumerable<string?> candidateNames)
    {
        if (string.IsNullOrEmpty(podUid) || podUid.Contains('/', StringComparison.Ordinal) || podUid is "." or "..")
        {
            return null;
        }

        var volumes = Path.Combine(KubeletRoot, "pods", podUid, "volumes");
        if (!Directory.Exists(volumes))
        {
            return null;
        }

        var plugins = Directory.GetDirectories(volumes).Order(StringComparer.Ordinal).ToList();
        foreach (var name in candidateNames)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
            {
                continue;
            }

            foreach (var plugin in plugins)
            {
                var dir = Path.Combine(plugin, name);
                if (!Exists(dir))
                {
                    continue;
                }

                var isCsi = string.Equals(Path.GetFileName(plugin), CsiPlugin, StringComparison.Ordinal);
                var root = isCsi ? Path.Combine(dir, "mount") : dir;
                var resolved = ResolveRoot(root);
                if (resolved is not null)
                {
                    return resolved;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Any pod on this node that mounts one of the named volumes, for placements resolved without a pod (through a
    /// VolumeAttachment or node affinity) where the workload's pod is (re)starting on this node.
    /// </summary>
    public string? FindInAnyPod(IEnumerable<string?> candidateNames)
    {
        var pods = Path.Combine(KubeletRoot, "pods");
        if (!Directory.Exists(pods))
        {
            return null;
        }

        var names = candidateNames.ToList();
        return Directory.GetDirectories(pods)
            .Order(StringComparer.Ordinal)
            .Select(pod => Find(Path.GetFileName(pod), names))
            .FirstOrDefault(found => found is not null);
    }

    /// <summary>Follows a symlink at the volume root only; links inside the volume are data and are never followed.</summary>
    public static string? ResolveRoot(string root)
    {
        var info = new DirectoryInfo(root);
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is { Exists: true } && target is DirectoryInfo ? target.FullName : null;
        }

        return info.Exists ? info.FullName : null;
    }

    private static bool Exists(string path) => Directory.Exists(path) || new DirectoryInfo(path).LinkTarget is not null;
}
