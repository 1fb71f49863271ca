using Spool.DataPath.Drives;

namespace Spool.Agent.Host.Reclaim;

/// <summary>Delete these tape files of an expiring backup (<paramref name="Guid"/> is the id in their segment headers).</summary>
public sealed record ReclaimDeletion(string BackupId, Guid Guid, IReadOnlyList<TapeFileAddress> Files);
