using Spool.DataPath;

namespace Spool.Agent.Cli;

/// <summary>
/// Acknowledges checkpoints by storing them in a file: write a temporary file, fsync, rename over the old one. A process
/// killed at any point leaves either the previous or the new checkpoint, never a torn one.
/// </summary>
internal sealed class CheckpointFileSink(string? path, bool verbose) : IBackupProgressSink
{
    public int Warnings { get; private set; }

    public void Progress(BackupProgress progress)
    {
        if (verbose)
        {
            Console.Error.WriteLine($"progress entries={progress.Entries} sourceBytes={progress.SourceBytes} driveBytes={progress.DriveBytes}");
        }
    }

    public void Warning(BackupWarning warning)
    {
        Warnings++;
        Console.Error.WriteLine($"warning: {warning.Kind}: {warning.Path}: {warning.Message}");
    }

    public async ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return;
        }

        var full = Path.GetFullPath(path);
        var tmp = full + ".tmp";
        var bytes = SpoolJson.Serialize(checkpoint);
        await using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            await fs.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            fs.Flush(flushToDisk: true);
        }

        File.Move(tmp, full, overwrite: true);
        Spool.DataPath.Native.Posix.FsyncDirectory(Path.GetDirectoryName(full)!);
    }
}
