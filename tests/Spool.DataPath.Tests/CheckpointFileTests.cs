namespace Spool.DataPath.Tests;

/// <summary>The checkpoint file of backups run outside Kubernetes: replaced whole, and read back as it was stored.</summary>
public sealed class CheckpointFileTests
{
    [Test]
    public async Task EachStoreReplacesTheLastCheckpointWholeAndLeavesNoTemporaryFile()
    {
        using var tmp = new TempDir();
        var checkpoints = await CheckpointsOfASmallBackup(tmp);
        var path = tmp.Sub("job.checkpoint.json");

        foreach (var checkpoint in checkpoints)
        {
            CheckpointFile.Store(path, checkpoint);
            (await CheckpointFile.LoadAsync(path, CancellationToken.None)).Should().BeEquivalentTo(checkpoint);
        }

        Directory.EnumerateFileSystemEntries(tmp.Path).Select(System.IO.Path.GetFileName).Should().NotContain(name => name!.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Test]
    public async Task ADamagedCheckpointFileIsRefusedWithAReason()
    {
        using var tmp = new TempDir();
        var checkpoints = await CheckpointsOfASmallBackup(tmp);
        var path = tmp.Sub("job.checkpoint.json");
        CheckpointFile.Store(path, checkpoints[^1]);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var load = async () => await CheckpointFile.LoadAsync(path, CancellationToken.None);
        await load.Should().ThrowAsync<System.Text.Json.JsonException>();
    }

    private static async Task<List<Checkpoint>> CheckpointsOfASmallBackup(TempDir tmp)
    {
        Directory.CreateDirectory(tmp.Sub("src"));
        var data = new byte[2 << 20];
        new Random(13).NextBytes(data);
        await File.WriteAllBytesAsync(tmp.Sub("src/file.bin"), data);
        var sink = new RecordingSink();
        var result = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), sink);
        result.Outcome.Should().Be(BackupOutcome.Completed);
        sink.Checkpoints.Should().HaveCountGreaterThan(2);
        return sink.Checkpoints;
    }
}
