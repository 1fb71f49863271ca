namespace Spool.DataPath.Tests;

/// <summary>
/// The checkpoint file of backups run outside Kubernetes: replaced whole at every store, through a scratch file whose
/// inode is swapped in and reused, and read back as it was stored.
/// </summary>
public sealed class CheckpointFileTests
{
    [Test]
    public async Task EachStoreReplacesTheLastCheckpointWholeAndKeepsThePreviousInTheScratchFile()
    {
        using var tmp = new TempDir();
        var (path, checkpoints) = await Arrange(tmp);
        var file = new CheckpointFile(path);

        for (var i = 0; i < checkpoints.Count; i++)
        {
            file.Store(checkpoints[i]);
            (await CheckpointFile.LoadAsync(path, CancellationToken.None)).Should().BeEquivalentTo(checkpoints[i]);
            if (i > 0)
            {
                (await CheckpointFile.LoadAsync(path + ".tmp", CancellationToken.None)).Should().BeEquivalentTo(checkpoints[i - 1]);
            }
        }

        file.RemoveScratch();
        Directory.EnumerateFileSystemEntries(tmp.Path).Select(System.IO.Path.GetFileName).Should().NotContain(name => name!.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Test]
    public async Task StoringReusesTheTwoFilesInsteadOfAllocatingOneAtEveryCheckpoint()
    {
        using var tmp = new TempDir();
        var (path, checkpoints) = await Arrange(tmp);
        var file = new CheckpointFile(path);
        file.Store(checkpoints[0]);
        file.Store(checkpoints[1]);
        var inodes = new[] { Inode(path), Inode(path + ".tmp") };

        for (var i = 2; i < checkpoints.Count; i++)
        {
            file.Store(checkpoints[i]);
            new[] { Inode(path), Inode(path + ".tmp") }.Should().BeEquivalentTo(inodes);
            Inode(path).Should().Be(inodes[(i - 1) % 2], "the names swap at every checkpoint");
        }
    }

    [Test]
    public async Task AScratchFileLeftByAKilledWriterIsOverwrittenWhole()
    {
        using var tmp = new TempDir();
        var (path, checkpoints) = await Arrange(tmp);
        new CheckpointFile(path).Store(checkpoints[0]);
        await File.WriteAllTextAsync(path + ".tmp", new string('x', 64 << 10));

        new CheckpointFile(path).Store(checkpoints[1]);

        (await CheckpointFile.LoadAsync(path, CancellationToken.None)).Should().BeEquivalentTo(checkpoints[1]);
        (await CheckpointFile.LoadAsync(path + ".tmp", CancellationToken.None)).Should().BeEquivalentTo(checkpoints[0]);
    }

    [TestCase("checkpoint", "directory")]
    [TestCase("checkpoint", "symlink")]
    [TestCase("scratch", "directory")]
    [TestCase("scratch", "symlink")]
    public async Task ANameThatIsNotARegularFileIsRefusedAndLeftAsItWas(string which, string kind)
    {
        using var tmp = new TempDir();
        var (path, checkpoints) = await Arrange(tmp);
        var name = which == "checkpoint" ? path : path + ".tmp";
        var victim = tmp.Sub("elsewhere.txt");
        await File.WriteAllTextAsync(victim, "not a checkpoint");
        if (kind == "directory")
        {
            Directory.CreateDirectory(name);
        }
        else
        {
            File.CreateSymbolicLink(name, victim);
        }

        var store = () => new CheckpointFile(path).Store(checkpoints[0]);

        store.Should().Throw<IOException>().WithMessage($"checkpoint file {name}: exists and is not a regular file");
        (await File.ReadAllTextAsync(victim)).Should().Be("not a checkpoint");
        (kind == "directory" ? Directory.Exists(name) : new FileInfo(name).LinkTarget == victim).Should().BeTrue();
    }

    [Test]
    public async Task ADamagedCheckpointFileIsRefusedWithAReason()
    {
        using var tmp = new TempDir();
        var (path, checkpoints) = await Arrange(tmp);
        new CheckpointFile(path).Store(checkpoints[^1]);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var load = async () => await CheckpointFile.LoadAsync(path, CancellationToken.None);
        await load.Should().ThrowAsync<System.Text.Json.JsonException>();
    }

    private static ulong Inode(string path) => Native.Posix.Lstat(path).Inode;

    /// <summary>The checkpoints of a small backup, and where the tests store them.</summary>
    private static async Task<(string Path, List<Checkpoint> Checkpoints)> Arrange(TempDir tmp)
    {
        Directory.CreateDirectory(tmp.Sub("src"));
        var data = new byte[2 << 20];
        new Random(13).NextBytes(data);
        await File.WriteAllBytesAsync(tmp.Sub("src/file.bin"), data);
        var sink = new RecordingSink();
        var result = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), sink);
        result.Outcome.Should().Be(BackupOutcome.Completed);
        sink.Checkpoints.Should().HaveCountGreaterThan(2);
        return (tmp.Sub("job.checkpoint.json"), sink.Checkpoints);
    }
}
