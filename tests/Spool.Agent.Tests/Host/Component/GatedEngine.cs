using Spool.Agent.Host.Streaming;
using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>
/// The real data path, with the checkpoint hand-off held at one chosen checkpoint until the test opens the gate, so
/// that a test can act "mid-stream" deterministically.
/// </summary>
public sealed class GatedEngine(IDataPathEngine inner, int holdAtCheckpoint) : IDataPathEngine
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    public BackupResult? LastResult { get; private set; }

    public Exception? LastError { get; private set; }

    public void Open() => _open.TrySetResult();

    public async Task<BackupResult> BackupAsync(BackupRequest request, IBackupProgressSink sink, CancellationToken cancellationToken)
    {
        try
        {
            LastResult = await inner.BackupAsync(request, new Gate(sink, this), cancellationToken);
            return LastResult;
        }
        catch (Exception error)
        {
            LastError = error;
            throw;
        }
    }

    public Task<VerifySummary> VerifyAsync(Guid backupId, IReadOnlyList<DriveSpec> drives, EncryptionKey? key, CancellationToken cancellationToken) =>
        inner.VerifyAsync(backupId, drives, key, cancellationToken);

    public Task<RestoreSummary> RestoreAsync(RestorePlan plan, IRestoreProgress progress, CancellationToken cancellationToken) =>
        inner.RestoreAsync(plan, progress, cancellationToken);

    private sealed class Gate(IBackupProgressSink sink, GatedEngine owner) : IBackupProgressSink
    {
        private int _count;

        public void Progress(BackupProgress progress) => sink.Progress(progress);

        public void Warning(BackupWarning warning) => sink.Warning(warning);

        public async ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
        {
            if (++_count == owner._holdAt)
            {
                owner._reached.TrySetResult();
                await owner._open.Task.WaitAsync(cancellationToken);
            }

            await sink.CheckpointReached(checkpoint, cancellationToken);
        }
    }

    private readonly int _holdAt = holdAtCheckpoint;
}
