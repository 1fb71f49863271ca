using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;
using Spool.DataPath.Native;
using Spool.DataPath.Source;
using Spool.DataPath.Tar;

namespace Spool.DataPath;

/// <summary>
/// One run of a backup (fresh or resumed). Three tasks, and the walk: the walker lists the source in order on a pool thread,
/// the producer lays the pax tar stream of each entry as it arrives into block-sized buffers, reading files straight into them; the hasher appends each file's bytes to its SHA-256 in stream
/// order and completes its catalog entry; the writer seals blocks (compress, CRC or encrypt) and writes them, and at each
/// cut journals the catalog entries so far, makes the data durable and reports the checkpoint. Hashing has its own stage
/// because it costs more than reading and writing together, so on two cores it overlaps with both.
/// </summary>
internal sealed class BackupSession : IDisposable
{
    private const int PoolSize = 24;

    // While a checkpoint's data is being made durable and acknowledged, the writer goes on with at most this much more,
    // so the device is not idle for the fsync and the acknowledgement (a status write, in the agent). Checkpoints by size
    // are cut this much early, so that what could be written again after a crash stays within one interval.
    private const long MaxAckWindow = 8L << 20;
    private readonly BackupRequest request;
    private readonly IBackupProgressSink sink;
    private readonly TimeProvider time;
    private readonly Dictionary<string, IDrive> drives = new(StringComparer.Ordinal);
    private readonly IDrive target;
    private readonly BlockCodec codec;
    private readonly Channel<PipelineItem> pipe = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(PoolSize) { SingleReader = true, SingleWriter = true });
    private readonly Channel<PipelineItem> hashed = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(PoolSize) { SingleReader = true, SingleWriter = true });
    private readonly Channel<byte[]> free = Channel.CreateUnbounded<byte[]>();
    private readonly ConcurrentQueue<BackupWarning> pendingWarnings = new();
    private readonly CancellationTokenSource walkStop = new();

    // SHA-256 states the hasher has finished with, for the producer's next files: creating one per file showed in profiles.
    private readonly ConcurrentQueue<IncrementalHash> spareHashes = new();
    private readonly List<BackupWarning> warnings = [];
    // Appended by the producer, completed with content hashes by the hasher, read by the writer: guarded by its own lock.
    private readonly List<CatalogEntry> catalog = [];
    private readonly List<long[]> blockIndex = [];
    private readonly Dictionary<(ulong Dev, ulong Ino), string> hardlinks = [];
    private readonly CatalogDigest digest;
    private readonly CatalogStream catalogStream;
    private readonly Guid backupId;
    private readonly Checkpoint? resume;
    private readonly DateTimeOffset startedAt;
    private Dictionary<string, CatalogEntry>? baseCatalog;
    private IBlockStreamWriter? stream;
    private int journaled;

    // Producer state.
    private byte[] buffer = [];
    private int fill;
    private long logical;
    private long sourceBytes;
    private long bytesSinceCut;
    private long lastCutTimestamp;
    private List<HashSpan>? spans;

    // Writer state.
    private long nextSequence;
    private int checkpoints;
    private long lastProgressTimestamp;
    private byte[] journalBlock = [];
    private PendingCheckpoint? unacknowledged;
    private Task? acknowledging;

    public BackupSession(BackupRequest request, IBackupProgressSink sink)
    {
        this.request = request;
        this.sink = sink;
        time = request.TimeProvider;
        resume = request.ResumeFrom;
        startedAt = resume?.StartedAt ?? time.GetUtcNow();
        backupId = resume?.BackupId ?? request.BackupId;
        if (resume is not null)
        {
            if (request.Epoch <= resume.Epoch)
            {
                throw new ArgumentException($"resuming needs an epoch above the checkpoint's ({resume.Epoch}), got {request.Epoch}");
            }

            if (resume.Compression != request.Compression || resume.KeyId != request.Encryption?.KeyId || resume.IncrementalFrom != request.IncrementalFrom)
            {
                throw new ArgumentException("resume must use the checkpoint's compression, key id and incremental base");
            }
        }

        if (request.OverwriteMedium && (resume is not null || request.Drive.Type != Drives.DriveType.Tape || request.Redundancy is { Mode: not Redundancy.RedundancyMode.None }))
        {
            throw new ArgumentException("overwriting a medium is only for a fresh start on a single tape drive");
        }

        target = request.Redundancy is { Mode: not Redundancy.RedundancyMode.None } set ? Redundancy.RedundantDrive.Create(set) : DriveFactory.Open(request.Drive, create: true);
        if (request.OverwriteMedium)
        {
            ((TapeDrive)target).OverwriteFromStart();
        }

        drives[target.Id] = target;
        // Members of earlier redundancy sets (a resume after a member was lost writes a new set) are read as their sets.
        foreach (var d in Redundancy.RedundantDrive.OpenForReading(request.OtherDrives))
        {
            if (!drives.TryAdd(d.Id, d))
            {
                d.Dispose();
            }
        }

        if (resume is not null && resume.BlockSize != target.BlockSize)
        {
            throw new ArgumentException($"checkpoint block size {resume.BlockSize} differs from drive block size {target.BlockSize}");
        }

        codec = new BlockCodec(target.BlockSize, request.Encryption);
        digest = resume is null ? new CatalogDigest() : new CatalogDigest(resume.Catalog.Digest);
        catalogStream = new CatalogStream(backupId);
    }

    private int PayloadCapacity => codec.PayloadCapacity;

    private long AckWindow => request.CheckpointBytes > 0 ? Math.Min(MaxAckWindow, request.CheckpointBytes / 4) : MaxAckWindow;

    public async Task<BackupResult> RunAsync(CancellationToken cancellationToken)
    {
        if (request.IncrementalFrom is { } baseId)
        {
            var baseReader = ArchiveReader.Open(drives.Values.ToList(), baseId, request.Encryption);
            baseCatalog = baseReader.Catalog.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        }

        var walk = Channel.CreateUnbounded<SourceEntry>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        SourceWalker.Stream(request.SourcePath, w => pendingWarnings.Enqueue(w), walk.Writer, walkStop.Token);
        var chain = (IReadOnlyList<SegmentRef>)[];
        var firstSegment = 1;
        if (resume is not null)
        {
            LoadResumeState(resume);
            chain = resume.Chain;
            firstSegment = resume.Chain.Count == 0 ? 1 : resume.Chain.Max(s => s.Segment) + 1;
            nextSequence = resume.NextSequence;
            logical = resume.LogicalOffset;
            sourceBytes = resume.SourceBytesDone;
        }

        var template = new SegmentHeaderInfo
        {
            // Segment and FirstSequence are filled in per segment by the stream writer.
            BackupId = backupId,
            Role = SegmentRole.Data,
            Segment = firstSegment,
            Epoch = request.Epoch,
            FirstSequence = nextSequence,
            Compression = request.Compression,
            Encryption = request.Encryption is null ? null : "aes-256-gcm",
            KeyId = request.Encryption?.KeyId,
            IncrementalFrom = request.IncrementalFrom,
            Label = request.Label,
        };
        stream = new SingleDriveStreamWriter(target, codec, template, chain, firstSegment, time);

        for (var i = 0; i < PoolSize + 2; i++)
        {
            free.Writer.TryWrite(new byte[target.BlockSize]);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => CancelOnFailure(ProduceAsync(walk.Reader, cts.Token), cts), CancellationToken.None);
        var hasher = Task.Run(() => CancelOnFailure(HashAsync(cts.Token), cts), CancellationToken.None);
        var writer = Task.Run(() => CancelOnFailure(WriteAsync(cts.Token), cts), CancellationToken.None);
        try
        {
            await Task.WhenAll(producer, hasher, writer).ConfigureAwait(false);
        }
        catch (BackupFencedException)
        {
            await SettleAcknowledgementAsync().ConfigureAwait(false);
            DrainWarnings();
            return Result(BackupOutcome.Fenced);
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            pipe.Writer.TryComplete();
            hashed.Writer.TryComplete();
            try
            {
                await Task.WhenAll(producer, hasher, writer).ConfigureAwait(false);
            }
            catch (Exception) when (producer.IsFaulted || hasher.IsFaulted || writer.IsFaulted || producer.IsCanceled || hasher.IsCanceled || writer.IsCanceled)
            {
                // The first failure is rethrown below; the other tasks only stopped because of it.
            }

            await SettleAcknowledgementAsync().ConfigureAwait(false);

            var first = writer.Exception?.InnerException ?? hasher.Exception?.InnerException ?? producer.Exception?.InnerException;
            if (first is BackupFencedException)
            {
                DrainWarnings();
                return Result(BackupOutcome.Fenced);
            }

            if (first is not null && first is not OperationCanceledException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }

            throw;
        }

        DrainWarnings();
        if (request.StillOwner is { } owner && !await owner(cancellationToken).ConfigureAwait(false))
        {
            return Result(BackupOutcome.Fenced);
        }

        WriteCatalogFile();
        sink.Progress(new BackupProgress(catalog.Count, sourceBytes, logical, stream.BytesWritten, null));
        return Result(BackupOutcome.Completed);
    }

    /// <summary>Any task failing must stop the others, which may be blocked on the channels between them.</summary>
    private static async Task CancelOnFailure(Task task, CancellationTokenSource cts)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private BackupResult Result(BackupOutcome outcome) => new(
        backupId,
        outcome,
        catalog.Count,
        catalog.Count(e => e.Type == EntryType.File),
        sourceBytes,
        logical,
        stream?.BytesWritten ?? 0,
        checkpoints,
        warnings)
    {
        Blocks = nextSequence,
    };

    // ---------------------------------------------------------------- producer

    private async Task ProduceAsync(ChannelReader<SourceEntry> walk, CancellationToken ct)
    {
        try
        {
            buffer = await free.Reader.ReadAsync(ct).ConfigureAwait(false);
            fill = 0;
            lastCutTimestamp = time.GetTimestamp();
            var entries = new List<SourceEntry>();
            var i = 0;
            if (resume is not null)
            {
                // The checkpoint's place is found by path in the whole, sorted walk.
                await foreach (var e in walk.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    entries.Add(e);
                }

                i = await FinishInProgressAsync(entries, resume.Source, ct).ConfigureAwait(false);
            }

            while (true)
            {
                if (i == entries.Count)
                {
                    if (!await walk.WaitToReadAsync(ct).ConfigureAwait(false))
                    {
                        break;
                    }

                    while (walk.TryRead(out var next))
                    {
                        entries.Add(next);
                    }

                    continue;
                }

                ct.ThrowIfCancellationRequested();
                await ProduceEntryAsync(entries, i, ct).ConfigureAwait(false);
                await MaybeCutAsync(new SourcePosition(i, entries[i].RelativePath, -1), ct).ConfigureAwait(false);
                i++;
            }

            await EmitAsync(new byte[PaxTarWriter.TrailerLength], ct).ConfigureAwait(false);
            await FlushBufferAsync(ct).ConfigureAwait(false);
            await pipe.Writer.WriteAsync(new PipelineItem(PipelineItemKind.End, null, 0, logical, null, TakeSpans()), ct).ConfigureAwait(false);
            pipe.Writer.TryComplete();
        }
        catch (Exception e)
        {
            pipe.Writer.TryComplete(e);
            throw;
        }
    }

    private async Task ProduceEntryAsync(List<SourceEntry> entries, int index, CancellationToken ct)
    {
        var e = entries[index];
        var st = e.Stat;
        var headerOffset = logical;
        if (st.IsDirectory)
        {
            await EmitAsync(PaxTarWriter.Header(new TarEntryHeader(e.RelativePath, TarEntryHeader.Directory, 0, st.Permissions, st.Uid, st.Gid, st.MtimeNs / 1_000_000_000L, null)), ct).ConfigureAwait(false);
            AddEntry(new CatalogEntry { Path = e.RelativePath, Type = EntryType.Directory, Mode = st.Permissions, Uid = st.Uid, Gid = st.Gid, MtimeNs = st.MtimeNs, CtimeNs = st.CtimeNs, Offset = headerOffset, Length = logical - headerOffset });
            return;
        }

        if (st.IsSymlink)
        {
            await EmitAsync(PaxTarWriter.Header(new TarEntryHeader(e.RelativePath, TarEntryHeader.SymLink, 0, st.Permissions, st.Uid, st.Gid, st.MtimeNs / 1_000_000_000L, e.SymlinkTarget)), ct).ConfigureAwait(false);
            AddEntry(new CatalogEntry { Path = e.RelativePath, Type = EntryType.Symlink, Mode = st.Permissions, Uid = st.Uid, Gid = st.Gid, MtimeNs = st.MtimeNs, CtimeNs = st.CtimeNs, SymlinkTarget = e.SymlinkTarget, Offset = headerOffset, Length = logical - headerOffset });
            return;
        }

        if (st.LinkCount > 1 && hardlinks.TryGetValue((st.Device, st.Inode), out var leader))
        {
            await EmitAsync(PaxTarWriter.Header(new TarEntryHeader(e.RelativePath, TarEntryHeader.HardLink, 0, st.Permissions, st.Uid, st.Gid, st.MtimeNs / 1_000_000_000L, leader)), ct).ConfigureAwait(false);
            AddEntry(new CatalogEntry { Path = e.RelativePath, Type = EntryType.Hardlink, Mode = st.Permissions, Uid = st.Uid, Gid = st.Gid, MtimeNs = st.MtimeNs, CtimeNs = st.CtimeNs, HardlinkGroup = leader, Offset = headerOffset, Length = logical - headerOffset });
            return;
        }

        if (baseCatalog is not null && baseCatalog.TryGetValue(e.RelativePath, out var old) && old.Type == EntryType.File
            && old.Size == st.Size && old.MtimeNs == st.MtimeNs && old.CtimeNs == st.CtimeNs && old.Mode == st.Permissions
            && old.Uid == st.Uid && old.Gid == st.Gid && old.Sha256 is not null && !old.Changed)
        {
            if (st.LinkCount > 1)
            {
                hardlinks[(st.Device, st.Inode)] = e.RelativePath;
            }

            AddEntry(old with { Origin = old.Origin ?? request.IncrementalFrom, Links = st.LinkCount > 1 ? st.LinkCount : 0 });
            return;
        }

        SafeFileHandle handle;
        try
        {
            handle = Posix.OpenForBackup(e.FullPath);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            var kind = ex is UnauthorizedAccessException ? WarningKind.PermissionDenied : ex is FileNotFoundException or DirectoryNotFoundException ? WarningKind.Vanished : WarningKind.ReadError;
            pendingWarnings.Enqueue(new BackupWarning(kind, e.RelativePath, $"not backed up: {ex.Message}"));
            return;
        }

        using (handle)
        {
            if (st.LinkCount > 1)
            {
                hardlinks[(st.Device, st.Inode)] = e.RelativePath;
            }

            await EmitAsync(PaxTarWriter.Header(new TarEntryHeader(e.RelativePath, TarEntryHeader.Regular, st.Size, st.Permissions, st.Uid, st.Gid, st.MtimeNs / 1_000_000_000L, null)), ct).ConfigureAwait(false);
            var job = new FileHashJob(spareHashes.TryDequeue(out var spare) ? spare : IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
            var position = new SourcePosition(index, e.RelativePath, 0, headerOffset, st.Size, st.MtimeNs, st.CtimeNs, st.Permissions, st.Uid, st.Gid, st.LinkCount);
            var shortRead = await CopyFileDataAsync(handle, 0, st.Size, job, position, ct).ConfigureAwait(false);
            var changed = shortRead || Changed(handle, st);
            if (changed)
            {
                pendingWarnings.Enqueue(new BackupWarning(WarningKind.ChangedWhileRead, e.RelativePath, "file changed while it was read; the stored copy may be inconsistent"));
            }

            await EmitAsync(Zeros(PaxTarWriter.Padding(st.Size)), ct).ConfigureAwait(false);

            // The hasher fills in the content hash when it reaches the file's last span.
            job.EntryIndex = AddEntry(new CatalogEntry
            {
                Path = e.RelativePath,
                Type = EntryType.File,
                Size = st.Size,
                Mode = st.Permissions,
                Uid = st.Uid,
                Gid = st.Gid,
                MtimeNs = st.MtimeNs,
                CtimeNs = st.CtimeNs,
                Links = st.LinkCount > 1 ? st.LinkCount : 0,
                Offset = headerOffset,
                Length = logical - headerOffset,
                Sparse = st.IsSparse,
                Changed = changed,
            });
            AddSpan(job, fill, 0, last: true);
        }
    }

    /// <summary>The open file is not the one walked (it was replaced), or it changed while it was read.</summary>
    private static bool Changed(SafeFileHandle handle, FileStat before)
    {
        var after = Posix.Fstat(handle);
        return after.Device != before.Device || after.Inode != before.Inode || after.FileType != before.FileType
            || after.Size != before.Size || after.MtimeNs != before.MtimeNs || after.CtimeNs != before.CtimeNs;
    }

    /// <summary>Streams file bytes [from, size) straight into block buffers. Returns true if the file was shorter than expected.</summary>
    private async Task<bool> CopyFileDataAsync(SafeFileHandle? handle, long from, long size, FileHashJob? job, SourcePosition position, CancellationToken ct)
    {
        var offset = from;
        var shortRead = false;
        while (offset < size)
        {
            var space = PayloadCapacity - fill;
            if (space == 0)
            {
                await PushBufferAsync(ct).ConfigureAwait(false);
                await MaybeCutAsync(position with { DataOffset = offset }, ct).ConfigureAwait(false);
                continue;
            }

            var want = (int)Math.Min(space, size - offset);
            var span = buffer.AsSpan(BlockHeader.Size + fill, want);
            var n = 0;
            if (handle is not null && !shortRead)
            {
                try
                {
                    n = Posix.Pread(handle, span, offset);
                }
                catch (IOException ex)
                {
                    pendingWarnings.Enqueue(new BackupWarning(WarningKind.ReadError, position.Path, $"read error at offset {offset}: {ex.Message}; rest stored as zeros"));
                    n = 0;
                }
            }

            if (n == 0)
            {
                // The file shrank (or failed): the header promised `size` bytes, so the member is completed with zeros.
                shortRead = true;
                span.Clear();
                n = want;
            }

            if (job is not null)
            {
                AddSpan(job, fill, n, last: false);
            }

            fill += n;
            offset += n;
            logical += n;
            sourceBytes += n;
            bytesSinceCut += n;
        }

        return shortRead;
    }

    private static byte[] Zeros(int n) => n == 0 ? [] : new byte[n];

    private async Task EmitAsync(byte[] bytes, CancellationToken ct)
    {
        var src = bytes.AsMemory();
        while (!src.IsEmpty)
        {
            var space = PayloadCapacity - fill;
            if (space == 0)
            {
                await PushBufferAsync(ct).ConfigureAwait(false);
                continue;
            }

            var n = Math.Min(space, src.Length);
            src.Span[..n].CopyTo(buffer.AsSpan(BlockHeader.Size + fill));
            fill += n;
            logical += n;
            bytesSinceCut += n;
            src = src[n..];
        }
    }

    /// <summary>Queues bytes of the current buffer for a file's hash, merging with the previous span of the same file.</summary>
    private void AddSpan(FileHashJob job, int start, int length, bool last)
    {
        spans ??= [];
        if (!last && spans.Count > 0 && spans[^1] is { Last: false } prev && prev.Job == job && prev.Start + prev.Length == start)
        {
            spans[^1] = prev with { Length = prev.Length + length };
            return;
        }

        spans.Add(new HashSpan(job, start, length, last));
    }

    /// <summary>The spans queued since the last item; they travel with the next item so that the hasher sees them in order.</summary>
    private List<HashSpan>? TakeSpans()
    {
        var taken = spans;
        spans = null;
        return taken;
    }

    private async Task PushBufferAsync(CancellationToken ct)
    {
        await pipe.Writer.WriteAsync(new PipelineItem(PipelineItemKind.Data, buffer, fill, logical - fill, null, TakeSpans()), ct).ConfigureAwait(false);
        buffer = await free.Reader.ReadAsync(ct).ConfigureAwait(false);
        fill = 0;
    }

    private async Task FlushBufferAsync(CancellationToken ct)
    {
        if (fill > 0)
        {
            await PushBufferAsync(ct).ConfigureAwait(false);
        }
    }

    private int AddEntry(CatalogEntry entry)
    {
        lock (catalog)
        {
            catalog.Add(entry);
            return catalog.Count - 1;
        }
    }

    private int CatalogCount
    {
        get
        {
            lock (catalog)
            {
                return catalog.Count;
            }
        }
    }

    private async Task MaybeCutAsync(SourcePosition position, CancellationToken ct)
    {
        var byBytes = request.CheckpointBytes > 0 && bytesSinceCut >= request.CheckpointBytes - AckWindow;
        var byTime = request.CheckpointInterval > TimeSpan.Zero && time.GetElapsedTime(lastCutTimestamp) >= request.CheckpointInterval;
        if (!byBytes && !byTime)
        {
            return;
        }

        await FlushBufferAsync(ct).ConfigureAwait(false);
        var mark = new CutMark(position, logical, sourceBytes, CatalogCount);
        await pipe.Writer.WriteAsync(new PipelineItem(PipelineItemKind.Cut, null, 0, logical, mark, TakeSpans()), ct).ConfigureAwait(false);
        bytesSinceCut = 0;
        lastCutTimestamp = time.GetTimestamp();
    }

    /// <summary>Completes the member that was in progress at the checkpoint; returns the walk index to continue at.</summary>
    private async Task<int> FinishInProgressAsync(List<SourceEntry> entries, SourcePosition pos, CancellationToken ct)
    {
        var paths = entries.Select(e => e.RelativePath).ToList();
        var found = paths.BinarySearch(pos.Path, PathOrder.Instance);
        var next = pos.Path.Length == 0 ? 0 : found >= 0 ? found + 1 : ~found;
        if (!pos.InProgress)
        {
            return next;
        }

        var current = found >= 0 ? entries[found] : null;
        var same = current is not null && current.Stat.IsRegular && current.Stat.Size == pos.Size && current.Stat.MtimeNs == pos.MtimeNs && current.Stat.CtimeNs == pos.CtimeNs;
        SafeFileHandle? handle = null;
        IncrementalHash? hash = null;
        try
        {
            if (current is not null && current.Stat.IsRegular)
            {
                try
                {
                    handle = Posix.OpenForBackup(current.FullPath);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    handle = null;
                    same = false;
                }
            }

            if (same && handle is not null)
            {
                // The hash state died with the previous process; re-read the already stored prefix from the source.
                hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var scratch = new byte[1 << 20];
                for (long off = 0; off < pos.DataOffset;)
                {
                    var n = Posix.Pread(handle, scratch.AsSpan(0, (int)Math.Min(scratch.Length, pos.DataOffset - off)), off);
                    if (n == 0)
                    {
                        same = false;
                        break;
                    }

                    hash.AppendData(scratch, 0, n);
                    off += n;
                }
            }

            if (!same)
            {
                hash?.Dispose();
                hash = null;
                pendingWarnings.Enqueue(new BackupWarning(WarningKind.ChangedWhileRead, pos.Path, "file changed between the checkpoint and the resume; its content hash is not recorded"));
            }

            // From here the hasher owns the hash state.
            var job = hash is null ? null : new FileHashJob(hash);
            hash = null;
            var shortRead = await CopyFileDataAsync(handle, pos.DataOffset, pos.Size, job, pos, ct).ConfigureAwait(false);
            if (shortRead && same)
            {
                pendingWarnings.Enqueue(new BackupWarning(WarningKind.ChangedWhileRead, pos.Path, "file shrank while it was read"));
            }

            await EmitAsync(Zeros(PaxTarWriter.Padding(pos.Size)), ct).ConfigureAwait(false);
            if (pos.Links > 1 && current is not null)
            {
                hardlinks[(current.Stat.Device, current.Stat.Inode)] = pos.Path;
            }

            var entryIndex = AddEntry(new CatalogEntry
            {
                Path = pos.Path,
                Type = EntryType.File,
                Size = pos.Size,
                Mode = pos.Mode,
                Uid = pos.Uid,
                Gid = pos.Gid,
                MtimeNs = pos.MtimeNs,
                CtimeNs = pos.CtimeNs,
                Links = pos.Links,
                Offset = pos.HeaderOffset,
                Length = logical - pos.HeaderOffset,
                Sparse = current?.Stat.IsSparse ?? false,
                Changed = !same || shortRead,
            });
            if (job is not null)
            {
                job.EntryIndex = entryIndex;
                AddSpan(job, fill, 0, last: true);
            }

            return next;
        }
        finally
        {
            hash?.Dispose();
            handle?.Dispose();
        }
    }

    private void LoadResumeState(Checkpoint cp)
    {
        var state = ResumeLoader.Load(cp, drives, codec);
        if (state.Entries.Count < cp.Catalog.Entries)
        {
            throw new InvalidDataException($"catalog journal on the drive holds {state.Entries.Count} entries, checkpoint says {cp.Catalog.Entries}");
        }

        var check = new CatalogDigest();
        for (var i = 0; i < cp.Catalog.Entries; i++)
        {
            var json = SpoolJson.Serialize(state.Entries[i]);
            check.Add(json);
            catalogStream.Add(json);
            catalog.Add(state.Entries[i]);
        }

        if (check.Hex != cp.Catalog.Digest)
        {
            throw new InvalidDataException("catalog journal on the drive does not match the checkpoint digest");
        }

        journaled = catalog.Count;
        blockIndex.AddRange(state.BlockIndex);
        var root = Path.GetFullPath(request.SourcePath);
        foreach (var e in catalog)
        {
            if (e.Type == EntryType.File && e.Links > 1 && Posix.TryLstat(Path.Combine(root, e.Path), out var st, out _) && st.IsRegular)
            {
                hardlinks[(st.Device, st.Inode)] = e.Path;
            }
        }
    }

    // ---------------------------------------------------------------- hasher

    private async Task HashAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var item in pipe.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                foreach (var span in item.Hashes ?? [])
                {
                    var hash = span.Job.Hash;
                    if (span.Length > 0)
                    {
                        hash.AppendData(item.Buffer.AsSpan(BlockHeader.Size + span.Start, span.Length));
                    }

                    if (span.Last)
                    {
                        var hex = Convert.ToHexStringLower(hash.GetHashAndReset());
                        spareHashes.Enqueue(hash);
                        lock (catalog)
                        {
                            catalog[span.Job.EntryIndex] = catalog[span.Job.EntryIndex] with { Sha256 = hex };
                        }
                    }
                }

                await hashed.Writer.WriteAsync(item, ct).ConfigureAwait(false);
            }

            hashed.Writer.TryComplete();
        }
        catch (Exception e)
        {
            hashed.Writer.TryComplete(e);
            throw;
        }
    }

    // ---------------------------------------------------------------- writer

    private async Task WriteAsync(CancellationToken ct)
    {
        var s = stream!;
        journalBlock = new byte[target.BlockSize];
        using var compressor = request.Compression == CompressionKind.None ? null : new BlockCompressor(request.Compression, PayloadCapacity, 8 * PayloadCapacity);
        var packed = compressor is null ? null : new byte[target.BlockSize];
        long packedLogical = 0;
        lastProgressTimestamp = time.GetTimestamp();
        var rateBaseTimestamp = lastProgressTimestamp;
        var rateBaseBytes = s.BytesWritten;

        void EmitPacked()
        {
            if (compressor is null || compressor.IsEmpty)
            {
                return;
            }

            var raw = compressor.RawLength;
            var len = compressor.Finish(packed.AsSpan(BlockHeader.Size, PayloadCapacity));
            if (len >= 0)
            {
                WriteSealed(packed!, BlockKind.Data, request.Compression, packedLogical, len, raw);
            }
            else
            {
                for (var off = 0; off < raw; off += PayloadCapacity)
                {
                    var n = Math.Min(PayloadCapacity, raw - off);
                    compressor.Raw.Slice(off, n).CopyTo(packed.AsSpan(BlockHeader.Size));
                    WriteSealed(packed!, BlockKind.Data, CompressionKind.None, packedLogical + off, n, n);
                }
            }

            compressor.Reset();
            packedLogical += raw;
        }

        await foreach (var item in hashed.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (unacknowledged is { } pending)
            {
                if (item.Kind != PipelineItemKind.Data || s.BytesWritten - pending.DriveBytes + (2L * target.BlockSize) > AckWindow)
                {
                    await AcknowledgeAsync(ct).ConfigureAwait(false);
                }
                else if (pending.Durable.IsCompleted)
                {
                    // The sink's acknowledgement (a status write, or a file made durable) runs beside the writer.
                    acknowledging ??= StartAcknowledgement(pending, ct);
                    if (acknowledging.IsCompleted)
                    {
                        await AcknowledgeAsync(ct).ConfigureAwait(false);
                    }
                }
            }

            DrainWarnings();
            switch (item.Kind)
            {
                case PipelineItemKind.Data:
                    if (compressor is null)
                    {
                        WriteSealed(item.Buffer!, BlockKind.Data, CompressionKind.None, item.Logical, item.Length, item.Length);
                    }
                    else
                    {
                        if (compressor.IsEmpty)
                        {
                            packedLogical = item.Logical;
                        }

                        for (var off = 0; off < item.Length;)
                        {
                            var chunk = Math.Min(BlockCompressor.ChunkSize, item.Length - off);
                            if (!compressor.CanAccept(chunk))
                            {
                                EmitPacked();
                                packedLogical = item.Logical + off;
                            }

                            compressor.Add(item.Buffer.AsSpan(BlockHeader.Size + off, chunk));
                            off += chunk;
                        }
                    }

                    free.Writer.TryWrite(item.Buffer!);
                    break;
                case PipelineItemKind.Cut:
                    EmitPacked();
                    JournalThrough(item.Cut!.Entries);
                    BeginCheckpoint(item.Cut!);
                    if (unacknowledged!.SyncedOnCall)
                    {
                        // A drive that syncs before returning: acknowledge before writing on, as before.
                        await AcknowledgeAsync(ct).ConfigureAwait(false);
                    }

                    break;
                case PipelineItemKind.End:
                    EmitPacked();
                    JournalThrough(CatalogCount);
                    s.PrepareBlock();
                    s.Sync();
                    s.Finish();
                    break;
            }

            if (request.RateLimitBytesPerSecond > 0)
            {
                var due = TimeSpan.FromSeconds((double)(s.BytesWritten - rateBaseBytes) / request.RateLimitBytesPerSecond) - time.GetElapsedTime(rateBaseTimestamp);
                if (due > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(due, time, ct).ConfigureAwait(false);
                }
            }

            if (time.GetElapsedTime(lastProgressTimestamp) >= TimeSpan.FromSeconds(1))
            {
                lastProgressTimestamp = time.GetTimestamp();
                sink.Progress(new BackupProgress(CatalogCount, sourceBytes, item.Logical, s.BytesWritten, null));
            }
        }
    }

    private void WriteSealed(byte[] block, BlockKind kind, CompressionKind c, long logicalOffset, int payloadLength, int rawLength)
    {
        var seq = nextSequence;
        var segment = stream!.PrepareBlock();
        codec.Seal(block, new BlockHeader(kind, c, BlockFlags.None, backupId, seq, request.Epoch, logicalOffset, segment, payloadLength, rawLength));
        stream.WriteBlock(block, seq);
        nextSequence++;
        if (kind == BlockKind.Data)
        {
            blockIndex.Add([seq, logicalOffset, rawLength]);
        }
    }

    /// <summary>
    /// Writes the catalog entries up to <paramref name="count"/> as journal blocks (JSON lines; a block's logical offset is
    /// the number of entries journaled through it), chaining each into the catalog digest. Every earlier item has passed
    /// the hasher, so these entries carry their content hashes.
    /// </summary>
    private void JournalThrough(int count)
    {
        var lines = new MemoryStream();
        for (; journaled < count; journaled++)
        {
            CatalogEntry entry;
            lock (catalog)
            {
                entry = catalog[journaled];
            }

            var json = SpoolJson.Serialize(entry);
            if (lines.Length + json.Length + 1 > PayloadCapacity)
            {
                WriteJournalBlock(lines);
                lines.SetLength(0);
            }

            digest.Add(json);
            catalogStream.Add(json);
            lines.Write(json);
            lines.WriteByte((byte)'\n');
        }

        if (lines.Length > 0)
        {
            WriteJournalBlock(lines);
        }

        catalogStream.Flush();
    }

    private void WriteJournalBlock(MemoryStream lines)
    {
        lines.GetBuffer().AsSpan(0, (int)lines.Length).CopyTo(journalBlock.AsSpan(BlockHeader.Size));
        WriteSealed(journalBlock, BlockKind.Journal, CompressionKind.None, journaled, (int)lines.Length, (int)lines.Length);
    }

    /// <summary>
    /// Starts making everything before the cut durable and records the checkpoint that describes it; the writer goes
    /// on, and <see cref="AcknowledgeAsync"/> reports the checkpoint once the data is durable (or the window is used up).
    /// </summary>
    private void BeginCheckpoint(CutMark cut)
    {
        var s = stream!;
        s.PrepareBlock();
        var durable = s.BeginSync();
        var syncedOnCall = durable.IsCompleted;

        ObserveFailure(durable);
        var chain = s.Chain(nextSequence);
        var cp = new Checkpoint
        {
            BackupId = backupId,
            Epoch = request.Epoch,
            Segment = chain[^1].Segment,
            NextSequence = nextSequence,
            LogicalOffset = cut.LogicalOffset,
            Source = cut.Source,
            Catalog = new CatalogState(journaled, digest.Hex),
            Drive = s.Position,
            Chain = chain,
            BlockSize = target.BlockSize,
            Compression = request.Compression,
            KeyId = request.Encryption?.KeyId,
            IncrementalFrom = request.IncrementalFrom,
            Label = request.Label,
            SourceBytesDone = cut.SourceBytes,
            DriveBytesWritten = s.BytesWritten,
            StartedAt = startedAt,
            CreatedAt = time.GetUtcNow(),
        };
        unacknowledged = new PendingCheckpoint(durable, syncedOnCall, cp, cut, s.BytesWritten);
    }

    /// <summary>
    /// Waits for the pending checkpoint's acknowledgement, starting it here if it is not running yet, and counts it.
    /// </summary>
    private async Task AcknowledgeAsync(CancellationToken ct)
    {
        var pending = unacknowledged!;
        var acknowledgement = acknowledging ?? ReportAsync(pending, ct);
        unacknowledged = null;
        acknowledging = null;
        await acknowledgement.ConfigureAwait(false);
        checkpoints++;
        var cut = pending.Cut;
        sink.Progress(new BackupProgress(cut.Entries, cut.SourceBytes, cut.LogicalOffset, pending.DriveBytes, cut.Source.Path));
    }

    /// <summary>Waits until the checkpoint's data is durable, checks ownership, and reports it to the sink.</summary>
    private async Task ReportAsync(PendingCheckpoint pending, CancellationToken ct)
    {
        await pending.Durable.ConfigureAwait(false);
        if (request.StillOwner is { } owner && !await owner(ct).ConfigureAwait(false))
        {
            throw new BackupFencedException(backupId, request.Epoch);
        }

        await sink.CheckpointReached(pending.Checkpoint, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Reports a checkpoint off the writer: a sink may block (the CLI's fsyncs a file), and the writer may go on within
    /// the window meanwhile. One acknowledgement runs at a time, as the next cut waits for this one.
    /// </summary>
    private Task StartAcknowledgement(PendingCheckpoint pending, CancellationToken ct)
    {
        var task = Task.Run(() => ReportAsync(pending, ct), CancellationToken.None);
        ObserveFailure(task);
        return task;
    }

    /// <summary>
    /// A backup that fails before it awaits a sync or an acknowledgement leaves that task unobserved; its own failure
    /// is the one reported, so the task's is only marked as seen.
    /// </summary>
    private static void ObserveFailure(Task task) =>
        _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>After a failure, lets a running acknowledgement finish, so that no sink call outlives the backup.</summary>
    private async Task SettleAcknowledgementAsync()
    {
        if (acknowledging is { } running)
        {
            acknowledging = null;
            try
            {
                await running.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The backup's own failure is the one reported.
            }
        }
    }

    private void DrainWarnings()
    {
        while (pendingWarnings.TryDequeue(out var w))
        {
            warnings.Add(w);
            sink.Warning(w);
        }
    }

    // ---------------------------------------------------------------- catalog

    private void WriteCatalogFile()
    {
        var s = stream!;
        var chain = s.Chain(nextSequence);
        var trailer = new BackupTrailer
        {
            BackupId = backupId,
            Epoch = request.Epoch,
            Chain = chain,
            CatalogSha256 = string.Empty,
            Entries = catalog.Count,
            Files = catalog.Count(e => e.Type == EntryType.File),
            SourceBytes = catalog.Where(e => e.Type == EntryType.File).Sum(e => e.Size),
            LogicalBytes = logical,
            Compression = request.Compression,
            KeyId = request.Encryption?.KeyId,
            IncrementalFrom = request.IncrementalFrom,
            Label = request.Label,
            Warnings = warnings.Count,
            StartedAt = startedAt,
            FinishedAt = time.GetUtcNow(),
        };
        if (catalogStream.Count != catalog.Count)
        {
            throw new InvalidOperationException($"catalog holds {catalog.Count} entries but {catalogStream.Count} were journaled");
        }

        CatalogFileWriter.Write(target, codec, catalogStream.Finish(blockIndex), trailer, chain.Max(c => c.Segment) + 1, time);
    }

    public void Dispose()
    {
        // A walk still listing a large tree for a backup that ended early stops at its next directory.
        walkStop.Cancel();
        walkStop.Dispose();
        while (spareHashes.TryDequeue(out var spare))
        {
            spare.Dispose();
        }

        stream?.Dispose();
        catalogStream.Dispose();
        codec.Dispose();
        foreach (var d in drives.Values)
        {
            d.Dispose();
        }
    }
}
