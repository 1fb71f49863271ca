namespace Spool.Operator.Decisions;

/// <summary>The job a drive's holder names, as the cache knows it now.</summary>
public sealed record HolderJob(JobRef Job, bool Finished, bool Deleting, long Epoch);
