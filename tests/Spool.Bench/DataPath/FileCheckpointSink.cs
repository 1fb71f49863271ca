using Spool.DataPath;

namespace Spool.Bench.DataPath;

/// <summary>
/// Acknowledges checkpoints as the CLI's <c>--checkpoint-file</c> does, in a <see cref="CheckpointFile"/> on the same
/// disk as the drive (the agent writes the job status instead, which costs the disk nothing).
/// </summary>
internal sealed class FileCheckpointSink(CheckpointFile file) : IBackupProgressSink
{
    public void Progress(BackupProgress progress)
    {
    }

    public void Warning(BackupWarning warning) => Console.Error.WriteLine($"warning: {warning.Path}: {warning.Message}");

    public ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        file.Store(checkpoint);
        return ValueTask.CompletedTask;
    }
}
