using Spool.Agent.Host.Jobs;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;

namespace Spool.Agent.Host.Snapshots;

/// <summary>
/// The agent side of CSISnapshot mode. The agent creates VolumeSnapshot <c>spool-&lt;job&gt;-e&lt;epoch&gt;</c> (labelled
/// <see cref="SnapshotForLabel"/>=&lt;job&gt;) and waits for readyToUse; the operator starts a helper pod labelled
/// <see cref="CloneLabel"/>=&lt;job&gt; and <see cref="EpochLabel"/>=&lt;epoch&gt; on this node that mounts a claim
/// cloned from that snapshot; the agent reads the helper's mount. The snapshot is owned by the job, so that deleting
/// the job collects a snapshot whose epoch never ended cleanly.
/// </summary>
public sealed class SnapshotCoordinator(IKubernetesClient client, AgentOptions options, TimeProvider time)
{
    public const string CloneLabel = "spool.dev/snapshot-clone";
    public const string SnapshotForLabel = "spool.dev/snapshot-for";
    public const string EpochLabel = "spool.dev/epoch";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static string SnapshotName(string job, long epoch)
    {
        var name = $"spool-{job}-e{epoch}";
        return name.Length <= 253 ? name : name[..253];
    }

    /// <exception cref="AgentFailureException">SnapshotFailed when the snapshot errs or is not ready in time.</exception>
    public async Task<VolumeSnapshot> TakeAsync(BackupJob job, long epoch, string @namespace, string claim, string? snapshotClass, CancellationToken cancellationToken)
    {
        var jobName = job.Metadata.Name ?? "";
        var name = SnapshotName(jobName, epoch);
        try
        {
            await client.CreateAsync(
                new VolumeSnapshot
                {
                    Metadata = new ObjectMeta
                    {
                        Name = name,
                        Namespace = @namespace,
                        Labels = new Dictionary<string, string>
                        {
                            [SnapshotForLabel] = jobName,
                            [EpochLabel] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        },

                        // An owner reference must not cross namespaces: a snapshot elsewhere relies on the operator's clean-up.
                        OwnerReferences = job.Metadata.Uid is { } uid && job.Metadata.Namespace == @namespace
                            ? [new OwnerReference { ApiVersion = job.ApiVersion ?? SpoolGroup.ApiVersion, Kind = BackupJob.KindValue, Name = jobName, Uid = uid }]
                            : null,
                    },
                    Spec = new VolumeSnapshotSpec
                    {
                        Source = new VolumeSnapshotSource { PersistentVolumeClaimName = claim },
                        VolumeSnapshotClassName = snapshotClass,
                    },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesAlreadyExistsException)
        {
            // The same epoch already asked for it; wait for the existing one.
        }
        catch (KubernetesApiException error)
        {
            throw new AgentFailureException(ReportReasons.SnapshotFailed, $"creating VolumeSnapshot {@namespace}/{name}: {error.Message}", inner: error);
        }

        var deadline = time.GetUtcNow() + options.SnapshotTimeout;
        while (true)
        {
            var snapshot = await client.GetAsync<VolumeSnapshot>(name, @namespace, cancellationToken).ConfigureAwait(false)
                ?? throw new AgentFailureException(ReportReasons.SnapshotFailed, $"VolumeSnapshot {@namespace}/{name} was deleted while waiting for it");
            if (snapshot.Status?.ReadyToUse == true)
            {
                return snapshot;
            }

            if (snapshot.Status?.Error is { } error)
            {
                throw new AgentFailureException(ReportReasons.SnapshotFailed, $"VolumeSnapshot {@namespace}/{name}: {error["message"]?.ToString() ?? error.ToJsonString()}");
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new AgentFailureException(ReportReasons.SnapshotFailed, $"VolumeSnapshot {@namespace}/{name} not readyToUse after {options.SnapshotTimeout.TotalSeconds:0}s");
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the operator's helper pod that mounts this epoch's clone on this node.</summary>
    /// <remarks>The epoch matters: a helper of an earlier epoch on this node mounts an older snapshot.</remarks>
    /// <exception cref="AgentFailureException">SnapshotCloneNotFound after the snapshot timeout.</exception>
    public async Task<ResolvedVolume> FindCloneAsync(string jobName, long epoch, string @namespace, CancellationToken cancellationToken)
    {
        var epochText = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var deadline = time.GetUtcNow() + options.SnapshotTimeout;
        while (true)
        {
            var pods = await client.ListAsync<Pod>(@namespace, new ListOptions { LabelSelector = $"{CloneLabel}={jobName},{EpochLabel}={epochText}" }, cancellationToken).ConfigureAwait(false);
            var clone = pods.Items.FirstOrDefault(p =>
                string.Equals(p.Spec.NodeName, options.NodeName, StringComparison.Ordinal)
                && string.Equals(p.Status?.Phase, "Running", StringComparison.Ordinal)
                && p.Metadata.DeletionTimestamp is null);
            var claim = clone?.Spec.Volumes?.FirstOrDefault(v => v.PersistentVolumeClaim is not null);
            if (clone is not null && claim is not null)
            {
                return new ResolvedVolume
                {
                    Namespace = @namespace,
                    Pod = clone.Metadata.Name,
                    PodUid = clone.Metadata.Uid,
                    PersistentVolumeClaim = claim.PersistentVolumeClaim!.ClaimName,
                    Node = options.NodeName,
                    Resolution = "SnapshotClone",
                };
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new AgentFailureException(
                    ReportReasons.SnapshotCloneNotFound,
                    $"no running pod labelled {CloneLabel}={jobName},{EpochLabel}={epochText} mounting a claim on node {options.NodeName} after {options.SnapshotTimeout.TotalSeconds:0}s");
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DeleteAsync(string jobName, long epoch, string @namespace, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteAsync<VolumeSnapshot>(SnapshotName(jobName, epoch), @namespace, null, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException)
        {
            // Best effort: a leftover snapshot costs space, not correctness; it carries the job label for clean-up.
        }
    }
}
