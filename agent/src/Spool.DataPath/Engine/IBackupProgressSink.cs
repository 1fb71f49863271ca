namespace Spool.DataPath;

/// <summary>Receives what a running backup reports. Calls come from the engine's writer task, one at a time.</summary>
public interface IBackupProgressSink
{
    void Progress(BackupProgress progress);

    void Warning(BackupWarning warning);

    /// <summary>
    /// A checkpoint whose data is durable on the drive. The engine writes nothing further until the returned task
    /// completes, so completing it is the acknowledgement (e.g. after the agent stored it in the job status).
    /// </summary>
    ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken);
}
