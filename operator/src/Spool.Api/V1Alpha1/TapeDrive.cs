namespace Spool.Api.V1Alpha1;

/// <summary>
/// A shared backup drive: a Linux SCSI tape device or a directory-backed virtual tape. At most one job
/// holds it at a time; the holder is written to status with an optimistic-concurrency update.
/// </summary>
[KubernetesEntity(SpoolGroup.Name, SpoolGroup.Version, "TapeDrive", "tapedrives", Namespaced = false, ShortNames = ["td"], Categories = [SpoolGroup.Category])]
[PrinterColumn("Type", "string", ".spec.type", Priority = 1, Order = 0)]
[PrinterColumn("Phase", "string", ".status.phase", Order = 1)]
[PrinterColumn("Holder", "string", ".status.holder.job", Order = 2)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 3)]
public sealed record TapeDrive : IHasStatus<TapeDriveStatus>
{
    public const string KindValue = "TapeDrive";

    public string? ApiVersion { get; init; } = SpoolGroup.ApiVersion;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The drive, its path and which nodes reach it.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public TapeDriveSpec Spec { get; init; } = new();

    /// <summary>Observed state, written by the operator: phase, holder and pending operation.</summary>
    public TapeDriveStatus? Status { get; init; }
}
