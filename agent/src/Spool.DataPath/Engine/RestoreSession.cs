using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;
using Spool.DataPath.Native;
using Spool.DataPath.Tar;

namespace Spool.DataPath;

/// <summary>
/// Restores (or, with no target, verifies) a backup. Order of work: directories, regular files streamed per origin backup
/// in stream order (a prefetch task reads, verifies and decodes blocks while this task hashes and writes), hardlinks,
/// then symlinks (last, so nothing is ever written through a link this restore created), then directory metadata.
/// </summary>
internal sealed class RestoreSession : IDisposable
{
    private const int SparseChunk = 4096;
    private readonly IReadOnlyList<IDrive> drives;
    private readonly Guid backupId;
    private readonly string? target;
    private readonly IReadOnlyList<string> selected;
    private readonly bool allowPartial;
    private readonly EncryptionKey? key;
    private readonly bool ownership;
    private readonly Dictionary<Guid, ArchiveReader> readers = [];
    private readonly List<DamagedEntry> damaged = [];
    private readonly List<DamagedEntry> refused = [];
    private readonly List<string> badBlocks = [];
    private readonly HashSet<string> safeDirs = new(StringComparer.Ordinal);
    private readonly HashSet<string> restoredFiles = new(StringComparer.Ordinal);
    private bool writing;
    private long files;
    private long bytes;
    private long entriesDone;

    public RestoreSession(IReadOnlyList<IDrive> drives, Guid backupId, string? target, IReadOnlyList<string> selected, bool allowPartial, EncryptionKey? key, bool ownership)
    {
        this.drives = drives;
        this.backupId = backupId;
        this.target = target is null ? null : Path.GetFullPath(target);
        this.selected = selected.Select(p => p.Trim('/')).Where(p => p.Length > 0).ToList();
        this.allowPartial = allowPartial;
        this.key = key;
        this.ownership = ownership;
        writing = target is not null;
    }

    public IReadOnlyList<string> BadBlocks => badBlocks;

    public async Task<RestoreResult> RunAsync(CancellationToken ct)
    {
        var main = Reader(backupId);
        var all = main.Catalog.Entries;
        var symlinkPaths = all.Where(e => e.Type == EntryType.Symlink).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var byPath = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        var entries = new List<CatalogEntry>();
        foreach (var e in all)
        {
            var why = InvalidPath(e.Path) ?? (e.Type == EntryType.Hardlink ? InvalidPath(e.HardlinkGroup ?? string.Empty) : null) ?? ThroughSymlink(e.Path, symlinkPaths);
            if (why is null && !byPath.TryAdd(e.Path, e))
            {
                why = "duplicate path in catalog";
            }

            if (why is not null)
            {
                if (IsSelected(e.Path))
                {
                    refused.Add(new DamagedEntry(e.Path, why));
                }

                continue;
            }

            if (IsSelected(e.Path))
            {
                entries.Add(e);
            }
        }

        if (target is not null)
        {
            Directory.CreateDirectory(target);
            safeDirs.Add(target);
        }

        // Directories.
        foreach (var d in entries.Where(e => e.Type == EntryType.Directory))
        {
            if (target is not null && writing)
            {
                var full = SafePath(d.Path, out var why);
                if (full is null)
                {
                    refused.Add(new DamagedEntry(d.Path, why!));
                    continue;
                }

                if (!Posix.TryLstat(full, out var st, out _))
                {
                    Directory.CreateDirectory(full);
                }
                else if (!st.IsDirectory)
                {
                    refused.Add(new DamagedEntry(d.Path, "exists and is not a directory"));
                    continue;
                }

                safeDirs.Add(full);
            }

            entriesDone++;
        }

        // Regular files, grouped by the backup holding their content. A hardlink whose group leader is not being restored
        // is restored as a copy of the leader's content.
        var selectedPaths = entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var jobs = new List<(CatalogEntry Dest, CatalogEntry Source)>();
        foreach (var e in entries)
        {
            if (e.Type == EntryType.File)
            {
                jobs.Add((e, e));
            }
            else if (e.Type == EntryType.Hardlink && !selectedPaths.Contains(e.HardlinkGroup!))
            {
                if (byPath.TryGetValue(e.HardlinkGroup!, out var leader) && leader.Type == EntryType.File)
                {
                    jobs.Add((e with { Type = EntryType.File }, leader));
                }
                else
                {
                    damaged.Add(new DamagedEntry(e.Path, $"hardlink group {e.HardlinkGroup} is not in the catalog"));
                }
            }
        }

        foreach (var group in jobs.GroupBy(j => j.Source.Origin ?? backupId).OrderBy(g => g.Key == backupId ? 1 : 0))
        {
            ArchiveReader reader;
            try
            {
                reader = Reader(group.Key);
            }
            catch (ArchiveException ex)
            {
                foreach (var j in group)
                {
                    Damage(j.Dest.Path, $"base backup {group.Key}: {ex.Message}");
                }

                continue;
            }

            await RestoreFilesAsync(reader, group.OrderBy(j => j.Source.Offset).ToList(), ct).ConfigureAwait(false);
        }

        // Hardlinks to leaders restored above.
        foreach (var h in entries.Where(e => e.Type == EntryType.Hardlink && selectedPaths.Contains(e.HardlinkGroup!)))
        {
            if (!restoredFiles.Contains(h.HardlinkGroup!) && writing)
            {
                Damage(h.Path, $"hardlink group {h.HardlinkGroup} was not restored");
                continue;
            }

            if (target is not null && writing)
            {
                var full = SafePath(h.Path, out var why);
                var leaderFull = SafePath(h.HardlinkGroup!, out var why2);
                if (full is null || leaderFull is null || !Posix.TryLstat(leaderFull, out var lst, out _) || !lst.IsRegular)
                {
                    refused.Add(new DamagedEntry(h.Path, why ?? why2 ?? "hardlink target is not a restored regular file"));
                    continue;
                }

                if (!RemoveExisting(full, h.Path))
                {
                    continue;
                }

                Posix.Link(leaderFull, full);
            }

            entriesDone++;
        }

        // Symlinks.
        foreach (var s in entries.Where(e => e.Type == EntryType.Symlink))
        {
            if (target is not null && writing)
            {
                var full = SafePath(s.Path, out var why);
                if (full is null)
                {
                    refused.Add(new DamagedEntry(s.Path, why!));
                    continue;
                }

                if (!RemoveExisting(full, s.Path))
                {
                    continue;
                }

                File.CreateSymbolicLink(full, s.SymlinkTarget ?? string.Empty);
                if (ownership)
                {
                    Posix.Lchown(full, s.Uid, s.Gid);
                }

                Posix.SetTimes(full, s.MtimeNs, noFollow: true);
            }

            entriesDone++;
        }

        // Directory metadata, deepest first so that restoring children does not disturb a parent's mtime.
        if (target is not null && writing)
        {
            foreach (var d in entries.Where(e => e.Type == EntryType.Directory).OrderByDescending(e => e.Path.Count(c => c == '/')))
            {
                var full = Path.Combine(target, d.Path);
                if (!Posix.TryLstat(full, out var st, out _) || !st.IsDirectory)
                {
                    continue;
                }

                if (ownership)
                {
                    Posix.Lchown(full, d.Uid, d.Gid);
                }

                Posix.Chmod(full, d.Mode);
                Posix.SetTimes(full, d.MtimeNs, noFollow: true);
            }
        }

        var missing = selected.Where(p => !all.Any(e => e.Path == p || e.Path.StartsWith(p + "/", StringComparison.Ordinal))).ToList();
        foreach (var m in missing)
        {
            refused.Add(new DamagedEntry(m, "not in the backup"));
        }

        return new RestoreResult(backupId, entriesDone, files, bytes, damaged, refused, badBlocks, target is not null && !writing);
    }

    private bool IsSelected(string path) =>
        selected.Count == 0 || selected.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal));

    private void Damage(string path, string reason)
    {
        damaged.Add(new DamagedEntry(path, reason));
        if (!allowPartial)
        {
            writing = false;
        }
    }

    private ArchiveReader Reader(Guid id)
    {
        if (!readers.TryGetValue(id, out var r))
        {
            r = ArchiveReader.Open(drives, id, key);
            readers[id] = r;
        }

        return r;
    }

    internal static string? InvalidPath(string path)
    {
        if (path.Length == 0)
        {
            return "empty path";
        }

        if (path[0] == '/')
        {
            return "absolute path refused";
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "NUL in path refused";
        }

        foreach (var part in path.Split('/'))
        {
            if (part is "" or "." or "..")
            {
                return part == ".." ? "'..' in path refused" : "non-canonical path refused";
            }
        }

        return null;
    }

    private static string? ThroughSymlink(string path, HashSet<string> symlinks)
    {
        for (var i = path.IndexOf('/'); i > 0; i = path.IndexOf('/', i + 1))
        {
            if (symlinks.Contains(path[..i]))
            {
                return $"path goes through symlink {path[..i]} (symlink escape refused)";
            }
        }

        return null;
    }

    /// <summary>
    /// The full path for an archive path, after making sure every parent below the target is a real directory (created
    /// here if missing). Null when a parent is a symlink or a non-directory: writing there could leave the target.
    /// </summary>
    private string? SafePath(string rel, out string? why)
    {
        why = null;
        var parts = rel.Split('/');
        var dir = target!;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            dir = Path.Combine(dir, parts[i]);
            if (safeDirs.Contains(dir))
            {
                continue;
            }

            if (Posix.TryLstat(dir, out var st, out _))
            {
                if (!st.IsDirectory)
                {
                    why = st.IsSymlink ? $"parent {string.Join('/', parts[..(i + 1)])} is a symlink (symlink escape refused)" : $"parent {string.Join('/', parts[..(i + 1)])} is not a directory";
                    return null;
                }
            }
            else
            {
                Directory.CreateDirectory(dir);
            }

            safeDirs.Add(dir);
        }

        return Path.Combine(dir, parts[^1]);
    }

    private bool RemoveExisting(string full, string rel)
    {
        if (!Posix.TryLstat(full, out var st, out _))
        {
            return true;
        }

        if (st.IsDirectory)
        {
            refused.Add(new DamagedEntry(rel, "exists as a directory"));
            return false;
        }

        File.Delete(full);
        return true;
    }

    // ---------------------------------------------------------------- file streaming

    private async Task RestoreFilesAsync(ArchiveReader reader, List<(CatalogEntry Dest, CatalogEntry Source)> jobs, CancellationToken ct)
    {
        // Which data blocks, in stream order, cover the selected members.
        var needed = new List<int>();
        var last = -1;
        var unlocated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (dest, src) in jobs)
        {
            var first = reader.FindBlock(src.Offset);
            if (first < 0)
            {
                unlocated.Add(dest.Path);
                continue;
            }

            var end = src.Offset + src.Length;
            for (var i = Math.Max(first, last + 1); i < reader.BlockIndex.Length && reader.BlockIndex[i].Offset < end; i++)
            {
                needed.Add(i);
                last = i;
            }
        }

        var channel = Channel.CreateBounded<DecodedBlock>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var pool = Channel.CreateUnbounded<byte[]>();
        var compressed = reader.Trailer.Compression != CompressionKind.None;
        var size = compressed ? reader.MaxRawLength : reader.BlockSize;
        for (var i = 0; i < 12; i++)
        {
            pool.Writer.TryWrite(new byte[size]);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var prefetch = Task.Run(() => PrefetchAsync(reader, needed, channel.Writer, pool.Reader, compressed, cts.Token), cts.Token);
        var cursor = new BlockCursor(channel.Reader, pool.Writer);
        try
        {
            foreach (var (dest, src) in jobs)
            {
                if (unlocated.Contains(dest.Path))
                {
                    Damage(dest.Path, $"no data block holds offset {src.Offset}");
                    continue;
                }

                await RestoreFileAsync(cursor, dest, src, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            try
            {
                await prefetch.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task PrefetchAsync(ArchiveReader reader, List<int> needed, ChannelWriter<DecodedBlock> output, ChannelReader<byte[]> pool, bool compressed, CancellationToken ct)
    {
        var block = compressed ? new byte[reader.BlockSize] : null;
        try
        {
            foreach (var i in needed)
            {
                var entry = reader.BlockIndex[i];
                var buffer = await pool.ReadAsync(ct).ConfigureAwait(false);
                var target = block ?? buffer;
                DecodedBlock decoded;
                if (!reader.TryReadBlock(entry.Sequence, target, out var h, out var error))
                {
                    decoded = new DecodedBlock(entry.Sequence, entry.Offset, entry.Length, buffer, 0, error);
                }
                else if (h.Kind != BlockKind.Data || h.LogicalOffset != entry.Offset || h.RawLength != entry.Length)
                {
                    decoded = new DecodedBlock(entry.Sequence, entry.Offset, entry.Length, buffer, 0, $"block {entry.Sequence} does not match the catalog's block index");
                }
                else if (compressed && h.Codec != CompressionKind.None)
                {
                    try
                    {
                        ArchiveReader.DecodeData(target, h, buffer);
                        decoded = new DecodedBlock(entry.Sequence, entry.Offset, entry.Length, buffer, 0, null);
                    }
                    catch (InvalidDataException ex)
                    {
                        decoded = new DecodedBlock(entry.Sequence, entry.Offset, entry.Length, buffer, 0, ex.Message);
                    }
                }
                else if (compressed)
                {
                    target.AsSpan(BlockHeader.Size, h.PayloadLength).CopyTo(buffer);
                    decoded = new DecodedBlock(entry.Sequence, entry.Offset, entry.Length, buffer, 0, null);
                }
                else
                {
                    decoded = new DecodedBlock(entry.Sequence, entry.Offset, entry.Length, buffer, BlockHeader.Size, null);
                }

                if (decoded.Error is not null)
                {
                    lock (badBlocks)
                    {
                        badBlocks.Add(decoded.Error);
                    }
                }

                await output.WriteAsync(decoded, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            output.TryComplete();
        }
    }

    private async Task RestoreFileAsync(BlockCursor cursor, CatalogEntry dest, CatalogEntry src, CancellationToken ct)
    {
        // Headers: an optional pax extended header, then the ustar header.
        var head = new byte[PaxTarWriter.BlockSize];
        var pos = src.Offset;
        var err = await cursor.ReadAsync(pos, head, ct).ConfigureAwait(false);
        Dictionary<string, string>? pax = null;
        if (err is null && head[156] == (byte)TarEntryHeader.PaxExtended && TarHeaderReader.TryParse(head, null, out var xh, out _) && xh.Size < 1 << 20)
        {
            var paxData = new byte[xh.Size + PaxTarWriter.Padding(xh.Size)];
            pos += PaxTarWriter.BlockSize;
            err = await cursor.ReadAsync(pos, paxData, ct).ConfigureAwait(false);
            if (err is null)
            {
                try
                {
                    pax = TarHeaderReader.ParsePax(paxData.AsSpan(0, (int)xh.Size));
                }
                catch (InvalidDataException ex)
                {
                    err = ex.Message;
                }
            }

            pos += paxData.Length;
            if (err is null)
            {
                err = await cursor.ReadAsync(pos, head, ct).ConfigureAwait(false);
            }
        }

        if (err is null)
        {
            if (!TarHeaderReader.TryParse(head, pax, out var th, out var why))
            {
                err = $"tar header: {why}";
            }
            else if (th.Path != src.Path || th.TypeFlag != TarEntryHeader.Regular || th.Size != src.Size)
            {
                err = $"tar header ({th.Path}, type {th.TypeFlag}, {th.Size} bytes) does not match the catalog";
            }
        }

        if (err is not null)
        {
            Damage(dest.Path, err);
            return;
        }

        pos += PaxTarWriter.BlockSize;
        string? full = null;
        SafeFileHandle? handle = null;
        if (target is not null && writing)
        {
            full = SafePath(dest.Path, out var why);
            if (full is null)
            {
                refused.Add(new DamagedEntry(dest.Path, why!));
            }
            else if (RemoveExisting(full, dest.Path))
            {
                handle = File.OpenHandle(full, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            }
        }

        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long written = 0;
            while (written < src.Size)
            {
                var (chunk, cerr) = await cursor.NextAsync(pos + written, src.Size - written, ct).ConfigureAwait(false);
                if (cerr is not null)
                {
                    err = cerr;
                    break;
                }

                var span = chunk.Span;
                hash.AppendData(span);
                if (handle is not null)
                {
                    WriteData(handle, span, written, src.Sparse);
                }

                written += span.Length;
            }

            if (err is null && src.Sha256 is not null && Convert.ToHexStringLower(hash.GetHashAndReset()) != src.Sha256)
            {
                err = "content hash mismatch";
            }

            if (err is not null)
            {
                handle?.Dispose();
                handle = null;
                if (full is not null)
                {
                    File.Delete(full);
                }

                Damage(dest.Path, err);
                return;
            }

            if (handle is not null)
            {
                if (src.Sparse)
                {
                    Posix.Ftruncate(handle, src.Size);
                }

                if (ownership)
                {
                    Posix.Fchown(handle, dest.Uid, dest.Gid);
                }

                Posix.Fchmod(handle, dest.Mode);
                Posix.SetTimes(handle, dest.MtimeNs);
                restoredFiles.Add(dest.Path);
            }

            files++;
            bytes += src.Size;
            entriesDone++;
        }
        finally
        {
            handle?.Dispose();
        }
    }

    private static void WriteData(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset, bool sparse)
    {
        if (!sparse)
        {
            RandomAccess.Write(handle, data, offset);
            return;
        }

        // Zero runs of whole aligned chunks are skipped, leaving holes; the final ftruncate sets the size.
        var i = 0;
        while (i < data.Length)
        {
            var aligned = (int)Math.Min(data.Length - i, SparseChunk - ((offset + i) % SparseChunk));
            var piece = data.Slice(i, aligned);
            if (piece.ContainsAnyExcept((byte)0))
            {
                var j = i + aligned;
                while (j < data.Length)
                {
                    var n = Math.Min(SparseChunk, data.Length - j);
                    if (!data.Slice(j, n).ContainsAnyExcept((byte)0))
                    {
                        break;
                    }

                    j += n;
                }

                RandomAccess.Write(handle, data[i..j], offset + i);
                i = j;
            }
            else
            {
                i += aligned;
            }
        }
    }

    public void Dispose()
    {
        foreach (var r in readers.Values)
        {
            r.Dispose();
        }
    }
}
