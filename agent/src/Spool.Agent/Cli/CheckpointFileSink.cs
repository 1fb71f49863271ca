using Spool.DataPath;

namespace Spool.Agent.Cli;

/// <summary>Acknowledges checkpoints by storing them in a <see cref="CheckpointFile"/>, when one is given.</summary>
internal sealed class CheckpointFileSink(CheckpointFile? file, bool verbose) : IBackupProgressSink
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

    public ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        file?.Store(checkpoint);
        return ValueTask.CompletedTask;
    }
}
