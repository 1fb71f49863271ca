namespace Spool.Agent.Host.Streaming;

public sealed record RestoreSummary(long Files, long Bytes, IReadOnlyList<string> FailedFiles);
