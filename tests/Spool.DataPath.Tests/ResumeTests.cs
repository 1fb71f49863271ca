using System.Text.Json;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath.Tests;

public sealed class ResumeTests
{
    [TestCase(1, CompressionKind.None, false)]
    [TestCase(3, CompressionKind.Deflate, true)]
    [TestCase(6, CompressionKind.Brotli, false)]
    public async Task ACrashedBackupResumesFromItsLastCheckpointMidFile(int crashAfter, CompressionKind compression, bool encrypt)
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 100 + crashAfter, files: 20);
        var big = new byte[5 << 20];
        new Random(1).NextBytes(big);
        await File.WriteAllBytesAsync(tmp.Sub("src/large.bin"), big);
        var key = encrypt ? Engines.Key() : null;
        var first = new RecordingSink(crashAfter);
        var act = () => Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), first, r => r with { Compression = compression, Encryption = key });
        await act.Should().ThrowAsync<SimulatedCrashException>();
        var cp = first.Checkpoints[^1];
        JsonSerializer.Serialize(cp, SpoolJson.Options).Length.Should().BeLessThan(2048, "a checkpoint fits a status field");

        // A different drive for the rest: the resumed writer reads earlier segments from the first one.
        var second = new RecordingSink();
        var resumed = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive2"), second, r => r with
        {
            Compression = compression,
            Encryption = key,
            ResumeFrom = cp,
            Epoch = cp.Epoch + 1,
            OtherDrives = [DriveSpec.Directory(tmp.Sub("drive"))],
        });
        resumed.Outcome.Should().Be(BackupOutcome.Completed);
        resumed.BackupId.Should().Be(cp.BackupId);

        var res = await new RestoreEngine().RunAsync(
            new RestoreRequest { Drives = [DriveSpec.Directory(tmp.Sub("drive")), DriveSpec.Directory(tmp.Sub("drive2"))], BackupId = cp.BackupId, TargetPath = tmp.Sub("out"), Encryption = key },
            CancellationToken.None);
        res.Success.Should().BeTrue(string.Join("; ", res.Damaged.Concat(res.Refused)) + string.Join("; ", res.BadBlocks));
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
    }

    [Test]
    public async Task BlocksOfAStaleWriterAreIgnoredAndItsCatalogIsRefusedWhileANewerEpochIsUnfinished()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 7, files: 20);
        await File.WriteAllBytesAsync(tmp.Sub("src/large.bin"), new byte[3 << 20]);
        var stale = new RecordingSink();
        var id = Guid.NewGuid();

        // Epoch 1 is partitioned away after its 2nd checkpoint but keeps writing to the end, catalog included.
        var staleResult = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), stale, r => r with { BackupId = id });
        staleResult.Outcome.Should().Be(BackupOutcome.Completed);
        var acknowledged = stale.Checkpoints[1];

        // Epoch 2 takes over from the acknowledged checkpoint and crashes before finishing: the stale catalog must not be used.
        var crashing = new RecordingSink(crashAfterCheckpoints: 0);
        var act = () => Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), crashing, r => r with { ResumeFrom = acknowledged, Epoch = 2 });
        await act.Should().ThrowAsync<SimulatedCrashException>();
        var refused = () => Engines.Restore(tmp.Sub("drive"), id, tmp.Sub("never"));
        await refused.Should().ThrowAsync<ArchiveException>().WithMessage("*epoch 2*");

        // Epoch 3 finishes; the restore follows its chain and skips everything epoch 1 wrote after the checkpoint.
        File.Delete(Path.Combine(tmp.Sub("src"), "large.bin"));
        await File.WriteAllTextAsync(tmp.Sub("src/large.bin"), "changed after the checkpoint");
        var done = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), new RecordingSink(), r => r with { ResumeFrom = acknowledged, Epoch = 3 });
        done.Outcome.Should().Be(BackupOutcome.Completed);
        var res = await Engines.Restore(tmp.Sub("drive"), id, tmp.Sub("out"));
        res.Success.Should().BeTrue(string.Join("; ", res.Damaged));
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
        var summary = DriveCatalog.ListBackups(DriveSpec.Directory(tmp.Sub("drive"))).Single();
        summary.Epoch.Should().Be(3);
        summary.Trailer!.Chain.Select(c => c.Epoch).Should().Equal(1, 3);
    }

    [Test]
    public async Task AFencedWriterStopsAtItsNextCheckpointAndWritesNoCatalog()
    {
        using var tmp = new TempDir();
        await File.WriteAllBytesAsync(Path.Combine(Directory.CreateDirectory(tmp.Sub("src")).FullName, "f"), new byte[4 << 20]);
        var asked = 0;
        var sink = new RecordingSink();
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), sink, q => q with { StillOwner = _ => ValueTask.FromResult(++asked < 3) });
        r.Outcome.Should().Be(BackupOutcome.Fenced);
        sink.Checkpoints.Should().HaveCount(2);
        DriveCatalog.ListBackups(DriveSpec.Directory(tmp.Sub("drive"))).Single().State.Should().Be(BackupState.Incomplete);
    }

    [Test]
    public async Task AFullMediumContinuesOnTheNextMedium()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 3, files: 15);
        await File.WriteAllBytesAsync(tmp.Sub("src/large.bin"), Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7)).ToArray());
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), edit: q => q with { Drive = DriveSpec.Directory(tmp.Sub("drive"), Engines.SmallBlock, 1 << 20) });
        Directory.GetDirectories(tmp.Sub("drive"), "medium-*").Length.Should().BeGreaterThan(3);
        var res = await Engines.Restore(tmp.Sub("drive"), r.BackupId, tmp.Sub("out"));
        res.Success.Should().BeTrue();
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
    }
}
