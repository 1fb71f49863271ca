namespace Spool.DataPath;

public enum BackupOutcome
{
    Completed,

    /// <summary>The ownership check said a newer epoch owns the job; this writer stopped and wrote no catalog.</summary>
    Fenced,
}
