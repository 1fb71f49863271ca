namespace Spool.Operator.Decisions;

/// <summary>
/// A job waiting for drives, as the arbiter sees it: its rank (priority, then age), the node its volume lives on,
/// and the drives that node reaches, in preference order.
/// </summary>
public sealed record QueuedJob(JobRef Job, int Priority, DateTimeOffset Created, string? Node, IReadOnlyList<string> EligibleDrives, int Width);
