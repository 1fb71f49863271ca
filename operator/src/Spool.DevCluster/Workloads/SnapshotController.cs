using System.Globalization;
using System.Text.Json.Nodes;
using Spool.Api;
using Spool.Api.Core;
using Spool.Kube;

namespace Spool.DevCluster.Workloads;

/// <summary>
/// The CSI snapshot controller and the driver's snapshot calls, for the shared storage. A VolumeSnapshot whose source
/// claim is bound gets a point-in-time copy of the PV's directory, a VolumeSnapshotContent and
/// <c>status.readyToUse=true</c> (with creationTime, restoreSize, boundVolumeSnapshotContentName); a deleted
/// VolumeSnapshot takes its content and copy with it (deletionPolicy Delete). A claim with a VolumeSnapshot dataSource
/// is provisioned from the copy by <see cref="SharedVolumes.ProvisionAsync"/>. Real CSI drivers copy or share blocks; this
/// one copies files, so a snapshot costs the time and space of the data.
/// </summary>
public sealed class SnapshotController
{
    public const string SnapshotGroup = "snapshot.storage.k8s.io";

    private static readonly ResourceDescriptor Contents = new(SnapshotGroup, "v1", "volumesnapshotcontents", "VolumeSnapshotContent", false);

    private readonly IKubernetesClient client;
    private readonly StorageLayout layout;
    private readonly TimeProvider time;
    private readonly ClusterLog log;

    public SnapshotController(IKubernetesClient client, StorageLayout layout, TimeProvider time, ClusterLog log)
    {
        this.client = client;
        this.layout = layout;
        this.time = time;
        this.log = log;
    }

    /// <summary>The content a snapshot binds to: named after its uid, as the external snapshotter does.</summary>
    public static string ContentName(VolumeSnapshot snapshot) => "snapcontent-" + snapshot.Metadata.Uid;

    public async Task ReconcileOnceAsync(IReadOnlyList<PersistentVolumeClaim> claims, CancellationToken cancellationToken)
    {
        var snapshots = (await client.ListAsync<VolumeSnapshot>(cancellationToken: cancellationToken)).Items;
        foreach (var snapshot in snapshots.Where(s => s.Status?.ReadyToUse != true && s.Metadata.DeletionTimestamp is null))
        {
            var source = snapshot.Spec.Source.PersistentVolumeClaimName;
            var claim = claims.FirstOrDefault(c => c.Metadata.Namespace == snapshot.Metadata.Namespace && c.Metadata.Name == source);
            if (claim is not { Spec.VolumeName: { Length: > 0 } volume } || claim.Status?.Phase != "Bound")
            {
                // Like the real controller: a snapshot of an unbound or missing claim waits.
                continue;
            }

            await TakeAsync(snapshot, claim, volume, cancellationToken);
        }

        // deletionPolicy Delete: a content whose snapshot is gone goes, and its copy with it.
        var live = snapshots.Select(ContentName).ToHashSet(StringComparer.Ordinal);
        foreach (var content in (await client.Resource(Contents).ListAsync(cancellationToken: cancellationToken)).Items)
        {
            var name = content["metadata"]?["name"]?.GetValue<string>();
            if (name is not null && content["spec"]?["driver"]?.GetValue<string>() == SharedVolumes.Driver && !live.Contains(name))
            {
                await client.Resource(Contents).DeleteAsync(name, cancellationToken: cancellationToken);
            }
        }

        if (Directory.Exists(layout.SnapshotsDirectory))
        {
            foreach (var copy in Directory.GetDirectories(layout.SnapshotsDirectory))
            {
                if (!live.Contains(Path.GetFileName(copy)))
                {
                    Directory.Delete(copy, recursive: true);
                    log.Info("Deleted snapshot data", ("content", Path.GetFileName(copy)));
                }
            }
        }
    }

    private async Task TakeAsync(VolumeSnapshot snapshot, PersistentVolumeClaim claim, string volume, CancellationToken cancellationToken)
    {
        var content = ContentName(snapshot);
        var target = layout.SnapshotData(content);
        if (!Directory.Exists(target))
        {
            // Copy aside, then rename: a half-made copy is never taken for the snapshot.
            var staging = target + ".tmp";
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            TreeCopy.Copy(layout.VolumeData(volume), staging);
            Directory.Move(staging, target);
        }

        var now = time.GetUtcNow();
        var size = claim.Status?.Capacity?.GetValueOrDefault("storage") ?? claim.Spec.Resources?.Requests?.GetValueOrDefault("storage") ?? "0";
        await EnsureContentAsync(snapshot, content, volume, now, cancellationToken);
        var status = new JsonObject
        {
            ["readyToUse"] = true,
            ["boundVolumeSnapshotContentName"] = content,
            ["creationTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["restoreSize"] = size,
        };
        await client.PatchAsync<VolumeSnapshot>(snapshot.Metadata.Name!, snapshot.Metadata.Namespace, KubePatch.Merge(new JsonObject { ["status"] = status }.ToJsonString()), "status", cancellationToken);
        log.Info("Snapshot ready", ("snapshot", $"{snapshot.Metadata.Namespace}/{snapshot.Metadata.Name}"), ("claim", claim.Metadata.Name), ("volume", volume), ("content", content));
    }

    private async Task EnsureContentAsync(VolumeSnapshot snapshot, string name, string volume, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await client.Resource(Contents).GetAsync(name, cancellationToken: cancellationToken) is not null)
        {
            return;
        }

        var content = new JsonObject
        {
            ["apiVersion"] = SnapshotGroup + "/v1",
            ["kind"] = "VolumeSnapshotContent",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["driver"] = SharedVolumes.Driver,
                ["deletionPolicy"] = "Delete",
                ["source"] = new JsonObject { ["volumeHandle"] = volume },
                ["volumeSnapshotClassName"] = snapshot.Spec.VolumeSnapshotClassName,
                ["volumeSnapshotRef"] = new JsonObject
                {
                    ["apiVersion"] = VolumeSnapshot.ApiVersionValue,
                    ["kind"] = VolumeSnapshot.KindValue,
                    ["namespace"] = snapshot.Metadata.Namespace,
                    ["name"] = snapshot.Metadata.Name,
                    ["uid"] = snapshot.Metadata.Uid,
                },
            },
        };
        try
        {
            await client.Resource(Contents).CreateAsync(content, cancellationToken: cancellationToken);
        }
        catch (KubernetesAlreadyExistsException)
        {
            return;
        }

        var status = new JsonObject
        {
            ["readyToUse"] = true,
            ["snapshotHandle"] = name,
            ["creationTime"] = now.ToUnixTimeMilliseconds() * 1_000_000,
        };
        await client.Resource(Contents).PatchAsync(name, null, KubePatch.Merge(new JsonObject { ["status"] = status }.ToJsonString()), "status", cancellationToken);
    }
}
