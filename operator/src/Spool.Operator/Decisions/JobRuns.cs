using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// The run a BackupJob's stream belongs to, for <c>spec.maxConcurrentPerNode</c>: the federated parent that a child
/// job names in the label <c>spool.dev/parent</c> (or as its controlling BackupJob), or the job itself.
/// </summary>
public static class JobRuns
{
    /// <summary>Name of the parent BackupJob (same namespace), or null for a job that is its own run.</summary>
    public static string? ParentName(BackupJob job) =>
        job.Metadata.Labels?.GetValueOrDefault(SpoolGroup.ParentLabel) is { Length: > 0 } label
            ? label
            : job.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == BackupJob.KindValue && o.ApiVersion.StartsWith(SpoolGroup.Name + "/", StringComparison.Ordinal))?.Name;

    /// <summary>namespace/name of the run's BackupJob.</summary>
    public static string KeyOf(BackupJob job) => $"{job.Metadata.Namespace ?? "default"}/{ParentName(job) ?? job.Metadata.Name}";
}
