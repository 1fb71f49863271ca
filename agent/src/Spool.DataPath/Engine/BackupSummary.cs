using Spool.DataPath.Catalog;

namespace Spool.DataPath;

public enum BackupState
{
    /// <summary>A verified trailer from the newest epoch that wrote to the backup.</summary>
    Complete,

    /// <summary>Data segments exist but no usable trailer (still running, or interrupted and not resumed).</summary>
    Incomplete,
}

public sealed record BackupSummary(Guid BackupId, BackupState State, long Epoch, BackupTrailer? Trailer, int DataSegments, string? Label);
