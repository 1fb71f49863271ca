namespace Spool.DataPath.Tests;

/// <summary>Records what the engine reports; can simulate a crash by throwing after a number of acknowledged checkpoints.</summary>
public sealed class RecordingSink(int crashAfterCheckpoints = int.MaxValue) : IBackupProgressSink
{
    public List<Checkpoint> Checkpoints { get; } = [];

    public List<BackupWarning> Warnings { get; } = [];

    public void Progress(BackupProgress progress)
    {
    }

    public void Warning(BackupWarning warning) => Warnings.Add(warning);

    public ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        if (Checkpoints.Count >= crashAfterCheckpoints)
        {
            throw new SimulatedCrashException();
        }

        // Round-trip through JSON, as the agent and the CLI store it.
        Checkpoints.Add(SpoolJson.Deserialize<Checkpoint>(SpoolJson.Serialize(checkpoint)));
        return ValueTask.CompletedTask;
    }
}
