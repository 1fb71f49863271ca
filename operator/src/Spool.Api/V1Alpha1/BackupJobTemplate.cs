using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>The BackupJob a schedule creates on each run.</summary>
public sealed record BackupJobTemplate
{
    /// <summary>Labels and annotations copied onto each job; the operator adds spool.dev/schedule and the run annotations.</summary>
    public JobTemplateMetadata? Metadata { get; init; }

    /// <summary>The job spec; mode is overridden per run from the schedule's fullEvery.</summary>
    [Required]
    public BackupJobSpec Spec { get; init; } = new();
}
