namespace Spool.Agent.Host.Progress;

public readonly record struct ProgressSample(DateTimeOffset Time, long Bytes);
