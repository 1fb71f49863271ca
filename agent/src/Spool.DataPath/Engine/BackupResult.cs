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
    IReadOnlyList<BackupWarning> Warnings);
