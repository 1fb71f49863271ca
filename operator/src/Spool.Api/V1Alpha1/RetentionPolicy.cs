using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>
/// Which complete backups of each source to keep. A backup is kept if either rule keeps it; with neither rule set every
/// backup is kept. A full or incremental backup that a kept incremental depends on is always kept too.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>Keep the newest N complete backups of each source.</summary>
    [Range(1, 100000)]
    public int? KeepLast { get; init; }

    /// <summary>Keep complete backups younger than this many seconds (a TTL).</summary>
    [Range(1, long.MaxValue)]
    public long? MaxAgeSeconds { get; init; }
}
