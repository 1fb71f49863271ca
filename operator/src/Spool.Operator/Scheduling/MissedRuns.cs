namespace Spool.Operator.Scheduling;

/// <summary>Fire times that passed without a run: the latest one, and how many (capped just past the counting limit).</summary>
public sealed record MissedRuns(DateTimeOffset? Latest, int Count);
