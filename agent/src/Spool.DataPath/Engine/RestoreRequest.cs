using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

public sealed record RestoreRequest
{
    /// <summary>Every drive that may hold segments of the backup (and of its incremental bases).</summary>
    public required IReadOnlyList<DriveSpec> Drives { get; init; }

    public required Guid BackupId { get; init; }

    /// <summary>Directory to restore into; created if missing.</summary>
    public required string TargetPath { get; init; }

    /// <summary>Archive paths (files or directories, recursively) to restore; empty restores everything.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>Keep restoring undamaged files after damage was found. Damaged files are never written either way.</summary>
    public bool AllowPartial { get; init; }

    public EncryptionKey? Encryption { get; init; }

    /// <summary>Restore uid/gid; defaults to "when running as root".</summary>
    public bool? RestoreOwnership { get; init; }
}
