namespace Spool.DataPath;

public sealed record BackupProgress(long Entries, long SourceBytes, long LogicalBytes, long DriveBytes, string? CurrentPath);
