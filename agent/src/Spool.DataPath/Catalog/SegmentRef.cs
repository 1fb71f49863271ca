using Spool.DataPath.Drives;

namespace Spool.DataPath.Catalog;

/// <summary>
/// One run of blocks that belongs to a backup: sequences [FirstSequence, EndSequence) in the tape file at
/// <see cref="Medium"/>/<see cref="File"/> of drive <see cref="DriveId"/>, written under <see cref="Epoch"/>. Blocks of that
/// tape file at or past EndSequence were written after the last acknowledged checkpoint and are not part of the backup.
/// </summary>
public sealed record SegmentRef(int Segment, long Epoch, string DriveId, int Medium, int File, long FirstSequence, long EndSequence)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public TapeFileAddress Address => new(Medium, File);
}
