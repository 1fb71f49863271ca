using Spool.DataPath.Native;

namespace Spool.DataPath;

/// <summary>
/// A checkpoint kept in a file of its own, for backups run outside Kubernetes (the CLI's <c>--checkpoint-file</c> and
/// <c>--resume</c>). Each checkpoint is written whole to a scratch file beside it (the path with <c>.tmp</c> added) and
/// made durable, the two names are swapped, and the directory is fsynced: a process killed, or a host losing power, at
/// any point leaves the previous checkpoint or the new one in the file, never a torn one. After a swap the scratch file
/// holds the previous checkpoint and is overwritten by the next, so the two inodes serve the whole backup and the file
/// system allocates and frees none per checkpoint. Where names cannot be swapped, the scratch file is renamed over the
/// checkpoint instead. One backup stores into one instance, one checkpoint at a time.
/// </summary>
public sealed class CheckpointFile
{
    private readonly string path;
    private readonly string scratch;
    private readonly string directory;
    private bool swapsDurable;

    /// <exception cref="IOException">Either name exists and is not a regular file.</exception>
    public CheckpointFile(string path)
    {
        this.path = Path.GetFullPath(path);
        scratch = this.path + ".tmp";
        directory = Path.GetDirectoryName(this.path)!;

        // Swapping would move a directory or a link found under either name, and writing the scratch file would follow
        // a link to whatever it points at; only regular files, the ones an earlier store left, are used.
        RequireRegularFileOrNothing(this.path);
        RequireRegularFileOrNothing(scratch);
    }

    public void Store(Checkpoint checkpoint)
    {
        if (!swapsDurable)
        {
            // A writer killed between a swap and its directory fsync left the scratch name on the inode that the disk
            // may still know as the checkpoint: that swap must be durable before the scratch file is written into.
            Posix.FsyncDirectory(directory);
            swapsDurable = true;
        }

        var bytes = SpoolJson.Serialize(checkpoint);
        using (var handle = File.OpenHandle(scratch, FileMode.OpenOrCreate, FileAccess.Write))
        {
            RandomAccess.Write(handle, bytes, 0);
            RandomAccess.SetLength(handle, bytes.Length);
            Posix.Fdatasync(handle);
        }

        if (!Posix.TryExchange(scratch, path))
        {
            File.Move(scratch, path, overwrite: true);
        }

        Posix.FsyncDirectory(directory);
    }

    private static void RequireRegularFileOrNothing(string name)
    {
        if (Posix.TryLstat(name, out var stat, out var errno))
        {
            if (!stat.IsRegular)
            {
                throw new IOException($"checkpoint file {name}: exists and is not a regular file");
            }
        }
        else if (errno != Posix.Enoent)
        {
            throw new IOException($"checkpoint file {name}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>Deletes the scratch file, once the backup stores no more checkpoints.</summary>
    public void RemoveScratch() => File.Delete(scratch);

    public static async Task<Checkpoint> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return SpoolJson.Deserialize<Checkpoint>(bytes);
    }
}
