namespace Spool.DataPath;

public sealed record RestoreResult(
    Guid BackupId,
    long Entries,
    long Files,
    long Bytes,
    IReadOnlyList<DamagedEntry> Damaged,
    IReadOnlyList<DamagedEntry> Refused,
    IReadOnlyList<string> BadBlocks,
    bool StoppedWriting)
{
    public bool Success => Damaged.Count == 0 && Refused.Count == 0 && BadBlocks.Count == 0;
}
