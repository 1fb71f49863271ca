namespace Spool.DataPath;

/// <summary>
/// Receives what a running backup reports. <see cref="Progress"/> and <see cref="Warning"/> come from the engine's writer
/// task, one at a time. <see cref="CheckpointReached"/> may run on another thread while the writer goes on (and calls
/// the other two), but never twice at once, and never after the backup has returned.
/// </summary>
public interface IBackupProgressSink
{
    void Progress(BackupProgress progress);

    void Warning(BackupWarning warning);

    /// <summary>
    /// A checkpoint whose data is durable on the drive. Completing the returned task is the acknowledgement (e.g. after
    /// the agent stored it in the job status). Until then the engine writes at most a quarter of the checkpoint interval
    /// (and at most 8 MiB) more, and it cuts checkpoints that much early, so a crash before the acknowledgement still
    /// leaves at most one interval to write again.
    /// </summary>
    ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken);
}
