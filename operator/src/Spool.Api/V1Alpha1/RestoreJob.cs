namespace Spool.Api.V1Alpha1;

/// <summary>
/// Restores a backup, or selected paths of it, into a volume. By default the restore runs on the node
/// where the target volume is mounted now.
/// </summary>
[KubernetesEntity(SpoolGroup.Name, SpoolGroup.Version, "RestoreJob", "restorejobs", ShortNames = ["rj"], Categories = [SpoolGroup.Category])]
[PrinterColumn("Phase", "string", ".status.phase", Order = 0)]
[PrinterColumn("Node", "string", ".status.node", Order = 1)]
[PrinterColumn("Progress", "string", ".status.progress.percent", Order = 2)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 3)]
public sealed record RestoreJob : IHasStatus<RestoreJobStatus>
{
    public const string KindValue = "RestoreJob";

    public string? ApiVersion { get; init; } = SpoolGroup.ApiVersion;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>What to restore, where to, and how.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public RestoreJobSpec Spec { get; init; } = new();

    /// <summary>Observed state. The operator writes placement, phase and conditions; the agent writes progress, checkpoints and its report.</summary>
    public RestoreJobStatus? Status { get; init; }
}
