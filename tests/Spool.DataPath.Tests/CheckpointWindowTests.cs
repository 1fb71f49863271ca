using Spool.DataPath.Drives;

namespace Spool.DataPath.Tests;

/// <summary>
/// While a checkpoint is being made durable and acknowledged the writer goes on, but only within a window of a quarter
/// interval; checkpoints by size are cut that much early, so a crash before an acknowledgement never leaves more than
/// one interval on the drive past the last acknowledged checkpoint.
/// </summary>
public sealed class CheckpointWindowTests
{
    private const long Interval = 8 << 20;
    private const long Window = Interval / 4;

    [Test]
    public async Task TheWriterStaysWithinTheWindowPastAnUnacknowledgedCheckpoint()
    {
        using var tmp = new TempDir();
        var data = new byte[40 << 20];
        new Random(3).NextBytes(data);
        Directory.CreateDirectory(tmp.Sub("src"));
        await File.WriteAllBytesAsync(tmp.Sub("src/large.bin"), data);
        var sink = new MeasuringSink(tmp.Sub("drive"));

        var result = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), sink, r => r with { CheckpointBytes = Interval });

        result.Outcome.Should().Be(BackupOutcome.Completed);
        sink.Checkpoints.Should().HaveCountGreaterThan(4);
        sink.AheadAtAcknowledgement.Should().OnlyContain(ahead => ahead <= Window, "nothing past the window reaches the drive before the acknowledgement");
        var offsets = sink.Checkpoints.Select(c => c.LogicalOffset).ToList();
        offsets.Zip(offsets.Skip(1), (a, b) => b - a).Should().OnlyContain(d => d >= Interval - Window && d <= Interval - Window + Engines.SmallBlock, "checkpoints are cut a window early");

        var restored = await Engines.Restore(tmp.Sub("drive"), result.BackupId, tmp.Sub("out"));
        restored.Success.Should().BeTrue();
        (await File.ReadAllBytesAsync(tmp.Sub("out/large.bin"))).Should().Equal(data);
    }

    /// <summary>At each acknowledgement, how far the data tape file on the drive already reaches past the checkpoint.</summary>
    private sealed class MeasuringSink(string drive) : IBackupProgressSink
    {
        public List<Checkpoint> Checkpoints { get; } = [];

        public List<long> AheadAtAcknowledgement { get; } = [];

        public void Progress(BackupProgress progress)
        {
        }

        public void Warning(BackupWarning warning)
        {
        }

        public async ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
        {
            // Slow, like a status write: the writer must not use the time to run on past the window.
            await Task.Delay(50, cancellationToken);
            var onDrive = Directory.EnumerateFiles(drive, "*.tape", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            AheadAtAcknowledgement.Add(onDrive - checkpoint.DriveBytesWritten);
            Checkpoints.Add(checkpoint);
        }
    }
}
