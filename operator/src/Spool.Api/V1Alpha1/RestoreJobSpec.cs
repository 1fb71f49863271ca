using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

public sealed record RestoreJobSpec
{
    /// <summary>Which backup to restore.</summary>
    [Required]
    public RestoreSource Source { get; init; } = new();

    /// <summary>Paths inside the backup to restore; everything when empty.</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    /// <summary>Where to restore to. A federated restore takes each workload's own claim and needs no target.</summary>
    public RestoreTarget? Target { get; init; }

    /// <summary>Which node runs the restore.</summary>
    public RestorePlacement? Placement { get; init; }

    /// <summary>What to do with files that already exist in the target.</summary>
    [DefaultValue(ConflictPolicy.Fail)]
    public ConflictPolicy ConflictPolicy { get; init; } = ConflictPolicy.Fail;

    /// <summary>Federated restore: a workload active on another node than the restore target is waited for, or refused.</summary>
    [DefaultValue(ActiveWorkloadPolicy.Wait)]
    public ActiveWorkloadPolicy ActiveWorkloadPolicy { get; init; } = ActiveWorkloadPolicy.Wait;

    /// <summary>Restore the files that verify even when others are corrupt, naming the corrupt ones; otherwise any corruption fails the restore.</summary>
    public bool AllowPartial { get; init; }

    /// <summary>Bytes restored between checkpoints; a failover re-restores at most this much.</summary>
    [Range(1048576, long.MaxValue)]
    [DefaultValue(67108864L)]
    public long CheckpointIntervalBytes { get; init; } = 67108864;
}
