namespace Spool.Operator.Decisions;

/// <summary>
/// The drives a job may use, in preference order, and how many members it needs at once (1 for a plain stream,
/// the width for Mirror or Parity). A non-null <paramref name="Problem"/> is bad input: the reason and message.
/// </summary>
public sealed record DriveDemand(IReadOnlyList<string> Candidates, int Count, string Description, (string Reason, string Message)? Problem = null);
