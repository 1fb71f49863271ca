namespace Spool.DataPath;

/// <summary>A checkpoint cut and being made durable, not yet reported to the sink.</summary>
internal sealed record PendingCheckpoint(Task Durable, Checkpoint Checkpoint, CutMark Cut, long DriveBytes);
