using System.ComponentModel;

namespace Spool.Api.V1Alpha1;

/// <summary>Exactly one of persistentVolumeClaim or selector.</summary>
[Spool.Api.ValidationRule("has(self.persistentVolumeClaim) != has(self.selector)", "exactly one of persistentVolumeClaim or selector must be set")]
public sealed record BackupSource
{
    /// <summary>Name of one PersistentVolumeClaim in the job's namespace.</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [System.ComponentModel.DataAnnotations.MaxLength(253)]
    public string? PersistentVolumeClaim { get; init; }

    /// <summary>A federated run: every PVC (or every PVC of every pod) the selector matches gets its own task, a child BackupJob, listed in status.volumes in the run's order. At the end the expected set is recomputed and missed volumes are backed up on their current node.</summary>
    public LabelSelector? Selector { get; init; }

    /// <summary>What the selector matches: the claims themselves, or pods whose claims are backed up.</summary>
    [DefaultValue(SelectorTarget.PersistentVolumeClaims)]
    public SelectorTarget SelectorTarget { get; init; } = SelectorTarget.PersistentVolumeClaims;

    /// <summary>Match in every namespace instead of the job's own. Needs cluster-wide RBAC.</summary>
    public bool AllNamespaces { get; init; }

    /// <summary>Read the live volume, or a CSI VolumeSnapshot of it.</summary>
    public SnapshotSpec? Snapshot { get; init; }

    /// <summary>Commands run in the workload's container before and after the volume is read.</summary>
    public BackupHooks? Hooks { get; init; }

    /// <summary>For replicated workloads: which replica's volume to read.</summary>
    public ReplicaPolicySpec? Replica { get; init; }
}
