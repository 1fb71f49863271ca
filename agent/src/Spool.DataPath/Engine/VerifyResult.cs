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
    /// <summary>Health of each member of the redundancy sets read; empty for plain drives.</summary>
    public IReadOnlyList<Redundancy.MemberReport> Members { get; init; } = [];

    /// <summary>A member was missing or corrupt and its blocks were rebuilt from the others.</summary>
    public bool Degraded => Members.Any(m => m.Health != Redundancy.MemberHealth.Complete);

    public bool Ok => Error is null && BadBlocks.Count == 0 && Damaged.Count == 0;
}
