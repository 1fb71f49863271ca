using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath.Tests;

/// <summary>Rewrites a backup's catalog the way an attacker with write access to the drive could: valid checksums, hostile content.</summary>
public static class ArchiveForger
{
    public static void RewriteCatalog(string drivePath, Guid id, Func<List<CatalogEntry>, List<CatalogEntry>> edit)
    {
        using var drive = DirectoryDrive.Open(DriveSpec.Directory(drivePath), create: false);
        CatalogDocument doc;
        BackupTrailer trailer;
        using (var reader = ArchiveReader.Open([drive], id, null))
        {
            doc = reader.Catalog;
            trailer = reader.Trailer;
        }

        foreach (var f in DriveCatalog.ListFiles(drive).Where(f => f.Header?.BackupId == id && f.Header.Role == SegmentRole.Catalog))
        {
            File.Delete(drive.FilePath(f.Address));
        }

        using var codec = new BlockCodec(drive.BlockSize, null);
        CatalogFileWriter.Write(drive, codec, doc with { Entries = edit([.. doc.Entries]) }, trailer, 99, TimeProvider.System);
    }
}
