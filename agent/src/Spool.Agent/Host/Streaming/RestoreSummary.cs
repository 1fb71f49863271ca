namespace Spool.Agent.Host.Streaming;

/// <summary>What a restore did. <see cref="DegradedMembers"/> names redundancy members that were missing or rebuilt.</summary>
public sealed record RestoreSummary(long Files, long Bytes, IReadOnlyList<string> FailedFiles)
{
    public IReadOnlyList<string> DegradedMembers { get; init; } = [];
}
