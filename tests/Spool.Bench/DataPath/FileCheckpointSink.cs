using Spool.DataPath;

namespace Spool.Bench.DataPath;

/// <summary>Acknowledges checkpoints the way the CLI does: write, fsync, rename.</summary>
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
