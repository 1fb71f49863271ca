using Spool.DataPath.Drives;

namespace Spool.Agent.Host.Reclaim;

/// <summary>A tape file on the drive and the backup its segment header names (null when the header does not read).</summary>
public sealed record ReclaimFile(TapeFileAddress Address, Guid? BackupId);
