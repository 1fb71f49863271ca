namespace Spool.DataPath;

public sealed record BackupResult(
    Guid BackupId,
    BackupOutcome Outcome,
    long Entries,
    long Files,
    long SourceBytes,
    long LogicalBytes,
    long DriveBytes,
    int Checkpoints,
    IReadOnlyList<BackupWarning> Warnings)
{
    /// <summary>Blocks in the backup's sequence (data and catalog), across all its segments.</summary>
    public long Blocks { get; init; }
}
