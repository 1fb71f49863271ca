namespace Spool.DataPath;

/// <summary>
/// A checkpoint cut and being made durable, not yet reported to the sink. <paramref name="SyncedOnCall"/>: the drive
/// synced before returning (a tape drive, or no direct I/O), and such a drive writes nothing more until the
/// acknowledgement.
/// </summary>
internal sealed record PendingCheckpoint(Task Durable, bool SyncedOnCall, Checkpoint Checkpoint, CutMark Cut, long DriveBytes);
