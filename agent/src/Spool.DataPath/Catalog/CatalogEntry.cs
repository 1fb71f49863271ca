using System.Text.Json.Serialization;

namespace Spool.DataPath.Catalog;

/// <summary>
/// One member of a backup. <see cref="Offset"/> and <see cref="Length"/> locate the member (headers, data and padding) in
/// the logical tar stream of the backup named by <see cref="Origin"/>, or of this backup when Origin is null.
/// </summary>
public sealed record CatalogEntry
{
    public required string Path { get; init; }

    public required EntryType Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Size { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (07777).</summary>
    public uint Mode { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public long MtimeNs { get; init; }

    /// <summary>Change time at backup, used by incremental backups to decide whether a file changed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long CtimeNs { get; init; }

    public string? SymlinkTarget { get; init; }

    /// <summary>For <see cref="EntryType.Hardlink"/>: the path of the entry that holds the content.</summary>
    public string? HardlinkGroup { get; init; }

    /// <summary>Link count of a stored file when above one, so a resumed writer can rebuild its hardlink map.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Links { get; init; }

    /// <summary>SHA-256 of the stored content, lowercase hex. Null when the content could not be hashed (see <see cref="Changed"/>).</summary>
    public string? Sha256 { get; init; }

    public long Offset { get; init; }

    public long Length { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Sparse { get; init; }

    /// <summary>The file changed while it was read; the stored bytes are what was read, and hashed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Changed { get; init; }

    /// <summary>Set in incremental backups when the content is unchanged and lives in an earlier backup.</summary>
    public Guid? Origin { get; init; }
}
