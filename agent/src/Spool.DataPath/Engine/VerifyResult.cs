namespace Spool.DataPath;

/// <summary>Outcome for one backup. <see cref="Error"/> is set when the backup could not be opened at all.</summary>
public sealed record VerifyResult(
    Guid BackupId,
    long BlocksChecked,
    long Entries,
    IReadOnlyList<string> BadBlocks,
    IReadOnlyList<DamagedEntry> Damaged,
    string? Error)
{
    public bool Ok => Error is null && BadBlocks.Count == 0 && Damaged.Count == 0;
}
