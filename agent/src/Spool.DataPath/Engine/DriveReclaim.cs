using Spool.DataPath.Drives;
using Spool.DataPath.Format;
using Spool.DataPath.Native;

namespace Spool.DataPath;

/// <summary>
/// Frees the space of expired backups on a directory drive: deletes the tape files whose segment header names the backup.
/// Tape files are only ever created with O_EXCL and never replaced, so a file whose header was read as the backup's just
/// before the unlink is still that file: a writer appending concurrently can only create a new file, never take over this
/// one. Tape media cannot free one backup; they are reused whole (see <see cref="TapeDrive"/>).
/// </summary>
public static class DriveReclaim
{
    /// <summary>Deletes <paramref name="address"/> on <paramref name="spec"/> if its segment header belongs to <paramref name="backupId"/>.</summary>
    /// <returns>True when the file was deleted; false when it is gone already or belongs to another backup.</returns>
    public static bool DeleteTapeFile(DriveSpec spec, TapeFileAddress address, Guid backupId)
    {
        if (spec.Type != Drives.DriveType.Directory)
        {
            throw new DriveException($"drive {spec.Path}: only directory drives delete single tape files; a tape medium is reused whole");
        }

        using var drive = DirectoryDrive.Open(spec, create: false);
        var path = drive.FilePath(address);
        if (!File.Exists(path))
        {
            return false;
        }

        using (var reader = drive.OpenFile(address))
        using (var codec = new BlockCodec(drive.BlockSize, null))
        {
            var block = new byte[drive.BlockSize];
            var header = SegmentHeaderReader.TryRead(reader, codec, block, out _);
            if (header is null || header.BackupId != backupId)
            {
                return false;
            }
        }

        File.Delete(path);
        Posix.FsyncDirectory(Path.GetDirectoryName(path)!);
        return true;
    }
}
