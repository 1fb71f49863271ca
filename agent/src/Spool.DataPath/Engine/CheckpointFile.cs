namespace Spool.DataPath;

/// <summary>
/// A checkpoint kept in a file of its own, for backups run outside Kubernetes (the CLI's <c>--checkpoint-file</c> and
/// <c>--resume</c>). Each checkpoint goes to a temporary file beside it, is fsynced, renamed over the last one, and the
/// directory is fsynced: a process killed, or a host losing power, at any point leaves the previous checkpoint or the
/// new one, never a torn one.
/// </summary>
public static class CheckpointFile
{
    public static void Store(string path, Checkpoint checkpoint)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(SpoolJson.Serialize(checkpoint));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
        Native.Posix.FsyncDirectory(Path.GetDirectoryName(full)!);
    }

    public static async Task<Checkpoint> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return SpoolJson.Deserialize<Checkpoint>(bytes);
    }
}
