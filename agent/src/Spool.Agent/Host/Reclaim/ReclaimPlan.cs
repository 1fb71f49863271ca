namespace Spool.Agent.Host.Reclaim;

/// <summary>
/// What to do on one drive. <see cref="Skip"/> set means nothing at all (not even reading the drive); otherwise delete
/// <see cref="Deletions"/>, and write <see cref="Reclaimed"/> as the drive catalog's <c>reclaimed</c> key when it differs
/// from what is stored.
/// </summary>
public sealed record ReclaimPlan
{
    /// <summary>Why this agent leaves the drive alone now; null when it acts.</summary>
    public string? Skip { get; init; }

    /// <summary>True when the decision needs the drive's tape files, which were not read yet.</summary>
    public bool NeedsFiles { get; init; }

    public IReadOnlyList<ReclaimDeletion> Deletions { get; init; } = [];

    public IReadOnlyList<ReclaimBlocked> Blocked { get; init; } = [];

    /// <summary>Expiring backups with no tape file left on the drive: reported reclaimed by this plan.</summary>
    public IReadOnlyList<string> Verified { get; init; } = [];

    /// <summary>The <c>reclaimed</c> key as it should be: ids still named by an entry, plus <see cref="Verified"/>.</summary>
    public IReadOnlyList<string> Reclaimed { get; init; } = [];

    /// <summary>The catalog's <c>reclaimed</c> key must be written.</summary>
    public bool WriteReclaimed { get; init; }

    public static ReclaimPlan Skipped(string reason) => new() { Skip = reason };
}
