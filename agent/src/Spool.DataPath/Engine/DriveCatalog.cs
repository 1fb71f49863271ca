using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

/// <summary>What is on a drive: tape files and the backups they make up. Reads only first and last blocks of tape files.</summary>
public static class DriveCatalog
{
    public static IReadOnlyList<TapeFileSummary> ListFiles(DriveSpec spec)
    {
        using var drive = DriveFactory.Open(spec, create: false);
        return ListFiles(drive);
    }

    internal static List<TapeFileSummary> ListFiles(IDrive drive)
    {
        using var codec = new BlockCodec(drive.BlockSize, null);
        var block = new byte[drive.BlockSize];
        var result = new List<TapeFileSummary>();
        foreach (var f in drive.ListFiles())
        {
            using var reader = drive.OpenFile(f.Address);
            var header = SegmentHeaderReader.TryRead(reader, codec, block, out var error);
            result.Add(new TapeFileSummary(f.Address, f.Blocks, f.Bytes, header, error));
        }

        return result;
    }

    public static IReadOnlyList<BackupSummary> ListBackups(DriveSpec spec)
    {
        using var drive = DriveFactory.Open(spec, create: false);
        return ListBackups([drive]);
    }

    /// <summary>Backups on several drives together; members of a redundancy set are read as their set.</summary>
    public static IReadOnlyList<BackupSummary> ListBackups(IReadOnlyList<DriveSpec> specs)
    {
        var drives = Redundancy.RedundantDrive.OpenForReading(specs);
        try
        {
            return ListBackups((IReadOnlyList<IDrive>)drives);
        }
        finally
        {
            drives.ForEach(d => d.Dispose());
        }
    }

    internal static List<BackupSummary> ListBackups(IReadOnlyList<IDrive> drives)
    {
        var files = drives.SelectMany(d => ListFiles(d).Select(f => (Drive: d, File: f))).Where(x => x.File.Header is not null).ToList();
        var result = new List<BackupSummary>();
        foreach (var group in files.GroupBy(x => x.File.Header!.BackupId))
        {
            var dataSegments = group.Count(x => x.File.Header!.Role == SegmentRole.Data);
            var label = group.Select(x => x.File.Header!.Label).FirstOrDefault(l => l is not null);
            var maxEpoch = group.Max(x => x.File.Header!.Epoch);
            BackupTrailer? best = null;
            foreach (var c in group.Where(x => x.File.Header!.Role == SegmentRole.Catalog).OrderByDescending(x => x.File.Header!.Epoch))
            {
                if (TryReadTrailer(c.Drive, c.File, out var t) && t.Epoch >= maxEpoch)
                {
                    best = t;
                    break;
                }
            }

            result.Add(new BackupSummary(group.Key, best is null ? BackupState.Incomplete : BackupState.Complete, best?.Epoch ?? maxEpoch, best, dataSegments, label));
        }

        return result.OrderBy(b => b.Trailer?.StartedAt ?? DateTimeOffset.MaxValue).ToList();
    }

    internal static bool TryReadTrailer(IDrive drive, TapeFileSummary file, out BackupTrailer trailer)
    {
        trailer = null!;
        using var codec = new BlockCodec(drive.BlockSize, null);
        var block = new byte[drive.BlockSize];
        using var reader = drive.OpenFile(file.Address);
        if (file.Blocks >= 2)
        {
            if (!reader.TryReadBlock(file.Blocks - 1, block))
            {
                return false;
            }
        }
        else
        {
            // Tapes cannot say how long a file is: read forward to the last block.
            var any = false;
            var scratch = new byte[drive.BlockSize];
            for (long i = 1; reader.TryReadBlock(i, scratch); i++)
            {
                scratch.CopyTo(block, 0);
                any = true;
            }

            if (!any)
            {
                return false;
            }
        }

        if (!codec.TryOpen(block, out var h, out _) || h.Kind != BlockKind.Trailer || h.BackupId != file.Header!.BackupId)
        {
            return false;
        }

        try
        {
            trailer = SpoolJson.Deserialize<BackupTrailer>(block.AsSpan(BlockHeader.Size, h.PayloadLength));
            return trailer.BackupId == file.Header.BackupId && trailer.Epoch == h.Epoch;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
