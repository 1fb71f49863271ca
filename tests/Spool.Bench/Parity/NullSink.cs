using Spool.DataPath;

namespace Spool.Bench.Parity;

internal sealed class NullSink : IBackupProgressSink
{
    public void Progress(BackupProgress progress)
    {
    }

    public void Warning(BackupWarning warning)
    {
    }

    public ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
