using Spool.Api.V1Alpha1;

namespace Spool.Operator.Catalog;

/// <summary>Everything the catalog decider looks at: the whole cluster's backups, in one pass.</summary>
public sealed record CatalogObservation
{
    /// <summary>BackupJobs of every namespace.</summary>
    public IReadOnlyList<BackupJob> Jobs { get; init; } = [];

    public IReadOnlyList<BackupSchedule> Schedules { get; init; } = [];

    public IReadOnlyList<TapeDrive> Drives { get; init; } = [];

    /// <summary>The catalogs as read, one per drive that has a ConfigMap.</summary>
    public IReadOnlyList<DriveCatalog> Catalogs { get; init; } = [];

    /// <summary>Backup ids that unfinished RestoreJobs read (their whole chains).</summary>
    public IReadOnlySet<string> Pinned { get; init; } = new HashSet<string>();

    public DateTimeOffset Now { get; init; }
}
