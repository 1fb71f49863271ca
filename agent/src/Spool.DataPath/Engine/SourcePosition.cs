namespace Spool.DataPath;

/// <summary>
/// Where the source walk stood at a checkpoint. With <see cref="DataOffset"/> = -1 the entry at <see cref="Path"/> is
/// complete and the next entry in walk order comes next. Otherwise that regular file is in progress: its header (at logical
/// <see cref="HeaderOffset"/>) and <see cref="DataOffset"/> bytes of its data are in the stream, and the stat values let
/// the resuming process detect that the file changed in between.
/// </summary>
public sealed record SourcePosition(
    int EntryIndex,
    string Path,
    long DataOffset,
    long HeaderOffset = 0,
    long Size = 0,
    long MtimeNs = 0,
    long CtimeNs = 0,
    uint Mode = 0,
    uint Uid = 0,
    uint Gid = 0,
    uint Links = 0)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool InProgress => DataOffset >= 0;
}
