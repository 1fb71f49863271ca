using System.Security.Cryptography;

namespace Spool.DataPath;

/// <summary>
/// The content hash of one file in flight: the producer feeds it spans of block buffers, the hashing stage appends them in
/// stream order and, at the file's last span, stores the digest into the catalog entry at <see cref="EntryIndex"/>.
/// </summary>
internal sealed class FileHashJob(IncrementalHash hash)
{
    public IncrementalHash Hash { get; } = hash;

    /// <summary>Index of the file's catalog entry; set by the producer before the last span is queued.</summary>
    public int EntryIndex { get; set; } = -1;
}
