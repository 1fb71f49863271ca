using Spool.DataPath.Native;

namespace Spool.DataPath;

/// <summary>
/// A checkpoint kept in a file of its own, for backups run outside Kubernetes (the CLI's <c>--checkpoint-file</c> and
/// <c>--resume</c>). Each checkpoint is written whole to a scratch file beside it (the path with <c>.tmp</c> added) and
/// made durable, the two names are swapped, and the directory is fsynced: a process killed, or a host losing power, at
/// any point leaves the previous checkpoint or the new one in the file, never a torn one. After a swap the scratch file
/// holds the previous checkpoint and is overwritten by the next: reusing its inode and blocks spares the file system an
/// allocation and a release at every checkpoint, which on a disk busy with the backup cost as much as the writes
/// themselves. Where names cannot be swapped, the scratch file is renamed over the checkpoint instead.
/// </summary>
public static class CheckpointFile
{
    public static void Store(string path, Checkpoint checkpoint)
    {
        var full = Path.GetFullPath(path);
        var scratch = ScratchOf(full);
        var bytes = SpoolJson.Serialize(checkpoint);
        using (var handle = File.OpenHandle(scratch, FileMode.OpenOrCreate, FileAccess.Write))
        {
            RandomAccess.Write(handle, bytes, 0);
            RandomAccess.SetLength(handle, bytes.Length);
            Posix.Fdatasync(handle);
        }

        if (!Posix.TryExchange(scratch, full))
        {
            File.Move(scratch, full, overwrite: true);
        }

        Posix.FsyncDirectory(Path.GetDirectoryName(full)!);
    }

    public static async Task<Checkpoint> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return SpoolJson.Deserialize<Checkpoint>(bytes);
    }

    /// <summary>Deletes the scratch file, once the backup no longer stores checkpoints.</summary>
    public static void RemoveScratch(string path) => File.Delete(ScratchOf(Path.GetFullPath(path)));

    private static string ScratchOf(string fullPath) => fullPath + ".tmp";
}
