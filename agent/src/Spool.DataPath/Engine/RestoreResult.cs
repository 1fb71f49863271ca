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
    /// <summary>Health of each member of the redundancy sets read; empty for plain drives.</summary>
    public IReadOnlyList<Redundancy.MemberReport> Members { get; init; } = [];

    /// <summary>A member was missing or corrupt and its blocks were rebuilt from the others.</summary>
    public bool Degraded => Members.Any(m => m.Health != Redundancy.MemberHealth.Complete);

    public bool Success => Damaged.Count == 0 && Refused.Count == 0 && BadBlocks.Count == 0;
}
