namespace Spool.Agent.Host.Streaming;

public interface IRestoreProgress
{
    void Totals(long files, long bytes);

    /// <summary>Awaited by the engine: it restores nothing further until the checkpoint is stored.</summary>
    ValueTask CheckpointReached(RestoreCheckpoint checkpoint, CancellationToken cancellationToken);
}
