namespace Spool.Agent.Host.Reclaim;

/// <summary>
/// When a writer may overwrite a tape medium from its start (docs/design.md, "Reclaiming space"). The operator writes
/// <c>medium: Reusable</c> once every backup on the tape has expired; the first writer that starts a backup afresh on
/// that drive records itself in the agent-written <c>mediumReuse</c> key (with the ConfigMap's resourceVersion, so only
/// one writer wins) and then writes from the beginning of the tape. Everything else appends at end of data: a resumed
/// stream (its earlier segments may be on this very tape), and every writer while the record is there, because the tape
/// may hold segments of the reusing job that a later epoch resumes from. Once the operator no longer says Reusable
/// (the new backup was recorded), an agent removes the record, so the medium can be reused again after its next expiry.
/// A record left by a writer that never finished only delays reuse; it never lets two writers overwrite.
/// </summary>
public static class MediumReuseDecider
{
    public const string Reusable = "Reusable";

    public static bool ShouldOverwrite(bool tapeDrive, bool freshStart, string? medium, string? reuseRecord) =>
        tapeDrive && freshStart && medium == Reusable && string.IsNullOrEmpty(reuseRecord);

    public static bool ShouldRemoveRecord(string? medium, string? reuseRecord) =>
        !string.IsNullOrEmpty(reuseRecord) && medium != Reusable;
}
