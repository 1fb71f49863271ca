namespace Spool.DevCluster;

/// <summary>Where the embedded cluster keeps each thing on disk, all under one root directory.</summary>
public sealed record StorageLayout(string Root)
{
    public static StorageLayout For(string directory) => new(Path.GetFullPath(directory));

    public string StateDirectory => Path.Combine(Root, "state");

    public string Kubeconfig => Path.Combine(Root, "kubeconfig");

    /// <summary>Holds the loopback port of the control endpoint of a running <c>spool-dev up</c>.</summary>
    public string ControlFile => Path.Combine(Root, "control");

    /// <summary>Pids of the processes the cluster started, so that a later run can clean up after a crash.</summary>
    public string ProcessFile => Path.Combine(Root, "processes");

    public string LogDirectory => Path.Combine(Root, "logs");

    public string NodesDirectory => Path.Combine(Root, "nodes");

    public string StorageDirectory => Path.Combine(Root, "storage");

    public string DrivesDirectory => Path.Combine(Root, "drives");

    /// <summary>Point-in-time copies of PV data, one per VolumeSnapshotContent.</summary>
    public string SnapshotsDirectory => Path.Combine(Root, "snapshots");

    public string SnapshotData(string content) => Path.Combine(SnapshotsDirectory, content);

    public string KubeletRoot(string node) => Path.Combine(NodesDirectory, node, "kubelet");

    /// <summary>The shared (SAN/NFS-like) data directory of a persistent volume.</summary>
    public string VolumeData(string persistentVolume) => Path.Combine(StorageDirectory, persistentVolume);

    public string DrivePath(string drive) => Path.Combine(DrivesDirectory, drive);

    public string LogFile(string name) => Path.Combine(LogDirectory, name + ".log");

    /// <summary>The path the kubelet mounts a CSI volume at for a pod, as the agent looks for it.</summary>
    public string PodVolumeMount(string node, string podUid, string persistentVolume) =>
        Path.Combine(KubeletRoot(node), "pods", podUid, "volumes", "kubernetes.io~csi", persistentVolume, "mount");

    public string PodDirectory(string node, string podUid) => Path.Combine(KubeletRoot(node), "pods", podUid);

    public void Create()
    {
        foreach (var dir in new[] { Root, StateDirectory, LogDirectory, NodesDirectory, StorageDirectory, DrivesDirectory, SnapshotsDirectory })
        {
            Directory.CreateDirectory(dir);
        }
    }
}
