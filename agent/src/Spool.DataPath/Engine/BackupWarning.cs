namespace Spool.DataPath;

public enum WarningKind
{
    ChangedWhileRead,
    PermissionDenied,
    SpecialFileSkipped,
    Vanished,
    ReadError,
}

public sealed record BackupWarning(WarningKind Kind, string Path, string Message);
