namespace Spool.DevCluster.Scenario;

/// <summary>
/// An epoch change seen in a job's history: where it ran before and after, the checkpoint it resumed from, and when the
/// new epoch was assigned and first streamed (its first progress or checkpoint past the resume point).
/// <paramref name="CheckpointExisted"/>: some earlier epoch had stored a checkpoint, so the new one had one to resume from.
/// </summary>
public sealed record Handover(
    long FromEpoch,
    string? FromNode,
    long ToEpoch,
    string? ToNode,
    DateTimeOffset AssignedAt,
    DateTimeOffset? StreamingAt,
    long LastProgressOfOldEpoch,
    long ResumeFromBytes,
    bool Fresh,
    bool CheckpointExisted)
{
    /// <summary>What the old epoch had reported beyond the checkpoint the new epoch resumed from.</summary>
    public long ObservedBytesResent => Math.Max(0, LastProgressOfOldEpoch - ResumeFromBytes);
}
