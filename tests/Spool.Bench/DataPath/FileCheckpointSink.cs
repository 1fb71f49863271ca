using Spool.DataPath;

namespace Spool.Bench.DataPath;

/// <summary>
/// Acknowledges checkpoints durably on the same disk, as the CLI does: write, fsync, rename (the CLI then also fsyncs the
/// directory; the agent writes the job status instead, which costs the disk nothing).
/// </summary>
internal sealed class FileCheckpointSink(string path) : IBackupProgressSink
{
    public void Progress(BackupProgress progress)
    {
    }

    public void Warning(BackupWarning warning) => Console.Error.WriteLine($"warning: {warning.Path}: {warning.Message}");

    public ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create))
        {
            fs.Write(SpoolJson.Serialize(checkpoint));
            fs.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
        return ValueTask.CompletedTask;
    }
}
