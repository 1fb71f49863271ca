using Spool.Api;
using Spool.Api.Core;
using Spool.Kube;

namespace Spool.DevCluster.Workloads;

/// <summary>
/// Persistent volumes on the shared storage (the SAN/NFS stand-in): each PV is a directory under storage/, reachable
/// from every simulated node, attached through the CSI driver <see cref="Driver"/>.
/// </summary>
public sealed class SharedVolumes
{
    public const string Driver = "dev.spool.dev/shared";
    public const string StorageClass = "spool-dev-shared";

    private readonly IKubernetesClient client;
    private readonly StorageLayout layout;
    private readonly ClusterLog log;

    public SharedVolumes(IKubernetesClient client, StorageLayout layout, ClusterLog log)
    {
        this.client = client;
        this.layout = layout;
        this.log = log;
    }

    /// <summary>A PV and a PVC bound to each other, with the PV's data directory created.</summary>
    public async Task<PersistentVolumeClaim> CreateBoundClaimAsync(string @namespace, string claim, string volume, string size, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.VolumeData(volume));
        var existing = await client.GetAsync<PersistentVolumeClaim>(claim, @namespace, cancellationToken);
        if (existing is null)
        {
            existing = await client.CreateAsync(new PersistentVolumeClaim
            {
                Metadata = new ObjectMeta { Name = claim, Namespace = @namespace, Labels = labels },
                Spec = new PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteOnce"],
                    StorageClassName = StorageClass,
                    VolumeName = volume,
                    Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = size } },
                },
            }, cancellationToken);
        }

        await EnsureVolumeAsync(volume, size, existing, cancellationToken);
        return await BindClaimAsync(existing, volume, size, cancellationToken);
    }

    /// <summary>
    /// Dynamic provisioning for a claim nobody bound yet (for example a restore's new claim). A claim whose dataSource
    /// is a VolumeSnapshot starts with the snapshot's data, and stays Pending until that snapshot is ready.
    /// </summary>
    public async Task ProvisionAsync(PersistentVolumeClaim claim, CancellationToken cancellationToken)
    {
        var volume = "pvc-" + claim.Metadata.Uid;
        var size = claim.Spec.Resources?.Requests?.GetValueOrDefault("storage") ?? "1Gi";
        if (claim.Spec.DataSource is { Kind: VolumeSnapshot.KindValue, ApiGroup: SnapshotController.SnapshotGroup } source && !Directory.Exists(layout.VolumeData(volume)))
        {
            var copy = await ReadySnapshotCopyAsync(claim.Metadata.Namespace, source.Name, cancellationToken);
            if (copy is null)
            {
                return;
            }

            var staging = layout.VolumeData(volume) + ".tmp";
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            TreeCopy.Copy(copy, staging);
            Directory.Move(staging, layout.VolumeData(volume));
            log.Info("Restored volume from snapshot", ("claim", $"{claim.Metadata.Namespace}/{claim.Metadata.Name}"), ("snapshot", source.Name), ("volume", volume));
        }

        Directory.CreateDirectory(layout.VolumeData(volume));
        await EnsureVolumeAsync(volume, size, claim, cancellationToken, reclaimPolicy: "Delete");
        await client.PatchAsync<PersistentVolumeClaim>(claim.Metadata.Name!, claim.Metadata.Namespace, KubePatch.Merge(KubeJson.Serialize(new { spec = new { volumeName = volume } })), cancellationToken: cancellationToken);
        var fresh = await client.GetAsync<PersistentVolumeClaim>(claim.Metadata.Name!, claim.Metadata.Namespace, cancellationToken);
        if (fresh is not null)
        {
            await BindClaimAsync(fresh, volume, size, cancellationToken);
        }

        log.Info("Provisioned volume", ("claim", $"{claim.Metadata.Namespace}/{claim.Metadata.Name}"), ("volume", volume));
    }

    private async Task<string?> ReadySnapshotCopyAsync(string? @namespace, string snapshotName, CancellationToken cancellationToken)
    {
        var snapshot = await client.GetAsync<VolumeSnapshot>(snapshotName, @namespace, cancellationToken);
        if (snapshot is not { Status.ReadyToUse: true, Status.BoundVolumeSnapshotContentName: { } content } || snapshot.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var path = layout.SnapshotData(content);
        return Directory.Exists(path) ? path : null;
    }

    /// <summary>
    /// Like the PV controller with reclaimPolicy Delete: a provisioned volume whose claim is gone is deleted with its
    /// data. Workload volumes are Retain and stay.
    /// </summary>
    public async Task ReclaimAsync(IReadOnlyList<PersistentVolumeClaim> claims, CancellationToken cancellationToken)
    {
        var live = claims.Select(c => c.Metadata.Uid).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var pv in (await client.ListAsync<PersistentVolume>(cancellationToken: cancellationToken)).Items)
        {
            if (pv.Spec.PersistentVolumeReclaimPolicy != "Delete" || pv.Spec.Csi?.Driver != Driver || pv.Spec.ClaimRef?.Uid is not { } owner || live.Contains(owner))
            {
                continue;
            }

            await client.DeleteAsync<PersistentVolume>(pv.Metadata.Name!, cancellationToken: cancellationToken);
            var data = layout.VolumeData(pv.Metadata.Name!);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            log.Info("Deleted volume of a deleted claim", ("volume", pv.Metadata.Name), ("claim", $"{pv.Spec.ClaimRef.Namespace}/{pv.Spec.ClaimRef.Name}"));
        }
    }

    private async Task EnsureVolumeAsync(string volume, string size, PersistentVolumeClaim claim, CancellationToken cancellationToken, string reclaimPolicy = "Retain")
    {
        var pv = await client.GetAsync<PersistentVolume>(volume, cancellationToken: cancellationToken);
        if (pv is null)
        {
            pv = await client.CreateAsync(new PersistentVolume
            {
                Metadata = new ObjectMeta { Name = volume },
                Spec = new PersistentVolumeSpec
                {
                    Capacity = new Dictionary<string, string> { ["storage"] = size },
                    AccessModes = claim.Spec.AccessModes ?? ["ReadWriteOnce"],
                    StorageClassName = claim.Spec.StorageClassName ?? StorageClass,
                    PersistentVolumeReclaimPolicy = reclaimPolicy,
                    ClaimRef = new ObjectReference
                    {
                        ApiVersion = "v1",
                        Kind = PersistentVolumeClaim.KindValue,
                        Namespace = claim.Metadata.Namespace,
                        Name = claim.Metadata.Name,
                        Uid = claim.Metadata.Uid,
                    },
                    Csi = new CsiPersistentVolumeSource
                    {
                        Driver = Driver,
                        VolumeHandle = volume,
                        VolumeAttributes = new Dictionary<string, string> { ["path"] = layout.VolumeData(volume) },
                    },
                },
            }, cancellationToken);
        }

        if (pv.Status?.Phase != "Bound")
        {
            await client.PatchAsync<PersistentVolume>(volume, null, KubePatch.Merge("""{"status":{"phase":"Bound"}}"""), "status", cancellationToken);
        }
    }

    private async Task<PersistentVolumeClaim> BindClaimAsync(PersistentVolumeClaim claim, string volume, string size, CancellationToken cancellationToken)
    {
        if (claim.Status?.Phase == "Bound")
        {
            return claim;
        }

        var status = new PersistentVolumeClaimStatus
        {
            Phase = "Bound",
            AccessModes = claim.Spec.AccessModes ?? ["ReadWriteOnce"],
            Capacity = new Dictionary<string, string> { ["storage"] = size },
        };
        return await client.PatchAsync<PersistentVolumeClaim>(claim.Metadata.Name!, claim.Metadata.Namespace, KubePatch.Merge(KubeJson.Serialize(new { status })), "status", cancellationToken);
    }
}
