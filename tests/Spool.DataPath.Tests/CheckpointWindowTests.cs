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

    [Test]
    public async Task TheWriterGoesOnWhileASinkBlocksInItsAcknowledgement()
    {
        // The widest window (8 MiB), so that what reaches the drive while the sink blocks stands out from what was
        // written while the checkpoint's fsync ran.
        const long interval = 32 << 20;
        const long window = 8 << 20;
        using var tmp = new TempDir();
        var data = new byte[96 << 20];
        new Random(5).NextBytes(data);
        Directory.CreateDirectory(tmp.Sub("src"));
        await File.WriteAllBytesAsync(tmp.Sub("src/large.bin"), data);
        var sink = new BlockingSink(tmp.Sub("drive"), window / 2, lastWithDataAfter: data.Length - interval);

        var result = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), sink, r => r with { CheckpointBytes = interval });

        result.Outcome.Should().Be(BackupOutcome.Completed);
        sink.WriterWentOn.Should().HaveCount(2).And.OnlyContain(wentOn => wentOn, "the writer fills the window while the sink blocks (as the CLI's does in fsync)");
        sink.AheadAtAcknowledgement.Should().OnlyContain(ahead => ahead <= window);
        var restored = await Engines.Restore(tmp.Sub("drive"), result.BackupId, tmp.Sub("out"));
        restored.Success.Should().BeTrue();
        (await File.ReadAllBytesAsync(tmp.Sub("out/large.bin"))).Should().Equal(data);
    }

    private static long OnDrive(string drive) => Directory.EnumerateFiles(drive, "*.tape", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    /// <summary>
    /// Blocks its caller synchronously until the drive holds <paramref name="ahead"/> bytes past the checkpoint, or a
    /// generous deadline passes. A writer that waited for the sink would leave the drive where the fsync found it.
    /// </summary>
    private sealed class BlockingSink(string drive, long ahead, long lastWithDataAfter) : IBackupProgressSink
    {
        public List<bool> WriterWentOn { get; } = [];

        public List<long> AheadAtAcknowledgement { get; } = [];

        public void Progress(BackupProgress progress)
        {
        }

        public void Warning(BackupWarning warning)
        {
        }

        public ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken)
        {
            // Only a checkpoint with at least a window of data after it can see the writer fill the window.
            if (checkpoint.LogicalOffset <= lastWithDataAfter)
            {
                WriterWentOn.Add(SpinWait.SpinUntil(() => OnDrive(drive) - checkpoint.DriveBytesWritten >= ahead, TimeSpan.FromSeconds(20)));
            }

            AheadAtAcknowledgement.Add(OnDrive(drive) - checkpoint.DriveBytesWritten);
            return ValueTask.CompletedTask;
        }
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
            AheadAtAcknowledgement.Add(OnDrive(drive) - checkpoint.DriveBytesWritten);
            Checkpoints.Add(checkpoint);
        }
    }
}
