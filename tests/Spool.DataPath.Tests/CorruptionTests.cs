using Spool.DataPath.Drives;

namespace Spool.DataPath.Tests;

public sealed class CorruptionTests
{
    private const int Block = Engines.SmallBlock;

    [Test]
    public async Task AFlippedByteIsDetectedTheFileNamedAndNeverRestored()
    {
        using var tmp = new TempDir();
        var (id, dataFile) = await Setup(tmp);
        var bytes = await File.ReadAllBytesAsync(dataFile);
        var victimBlock = await BlockHolding(tmp, id, "victim.bin");
        bytes[(victimBlock * Block) + 5000] ^= 0x40;
        await File.WriteAllBytesAsync(dataFile, bytes);

        var verify = await Engines.Verify(tmp.Sub("drive"), id);
        verify.Ok.Should().BeFalse();
        verify.Damaged.Should().ContainSingle(d => d.Path == "victim.bin");
        verify.BadBlocks.Should().NotBeEmpty();

        var strict = await Engines.Restore(tmp.Sub("drive"), id, tmp.Sub("strict"));
        strict.Success.Should().BeFalse();
        strict.Damaged.Select(d => d.Path).Should().Contain("victim.bin");
        File.Exists(tmp.Sub("strict/victim.bin")).Should().BeFalse("damaged content is never left behind");
        strict.StoppedWriting.Should().BeTrue();
        File.Exists(tmp.Sub("strict/z-after.txt")).Should().BeFalse("without --allow-partial nothing after the damage is written");

        var partial = await Engines.Restore(tmp.Sub("drive"), id, tmp.Sub("partial"), allowPartial: true);
        partial.Damaged.Select(d => d.Path).Should().Equal("victim.bin");
        File.Exists(tmp.Sub("partial/victim.bin")).Should().BeFalse();
        (await File.ReadAllTextAsync(tmp.Sub("partial/z-after.txt"))).Should().Be("after");
        (await File.ReadAllTextAsync(tmp.Sub("partial/a-before.txt"))).Should().Be("before");
    }

    [Test]
    public async Task TruncationIsDetectedAndTheLostFilesNamed()
    {
        using var tmp = new TempDir();
        var (id, dataFile) = await Setup(tmp);
        var victimBlock = await BlockHolding(tmp, id, "victim.bin");
        await using (var fs = new FileStream(dataFile, FileMode.Open))
        {
            fs.SetLength((victimBlock * Block) + 100);
        }

        var res = await Engines.Restore(tmp.Sub("drive"), id, tmp.Sub("out"), allowPartial: true);
        res.Damaged.Select(d => d.Path).Should().Contain("victim.bin").And.Contain("z-after.txt");
        res.Damaged.Select(d => d.Path).Should().NotContain("a-before.txt");
        File.Exists(tmp.Sub("out/victim.bin")).Should().BeFalse();
        (await Engines.Verify(tmp.Sub("drive"), id)).Ok.Should().BeFalse();
    }

    [Test]
    public async Task AMissingTapeFileIsDetected()
    {
        using var tmp = new TempDir();
        var (id, dataFile) = await Setup(tmp);
        File.Delete(dataFile);
        var res = await Engines.Restore(tmp.Sub("drive"), id, tmp.Sub("out"), allowPartial: true);
        res.Success.Should().BeFalse();
        res.Damaged.Select(d => d.Path).Should().Contain(["a-before.txt", "victim.bin", "z-after.txt"]);
        res.BadBlocks.Should().Contain(b => b.Contains("missing", StringComparison.Ordinal));
        var verify = await Engines.Verify(tmp.Sub("drive"), id);
        verify.Ok.Should().BeFalse();
    }

    [Test]
    public async Task ACorruptCatalogIsAnErrorNotASilentEmptyRestore()
    {
        using var tmp = new TempDir();
        var (id, _) = await Setup(tmp);
        var catalogFile = Directory.GetFiles(tmp.Sub("drive"), "*.tape", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Last();
        var bytes = await File.ReadAllBytesAsync(catalogFile);
        bytes[Block + 300] ^= 1;
        await File.WriteAllBytesAsync(catalogFile, bytes);
        var act = () => Engines.Restore(tmp.Sub("drive"), id, tmp.Sub("out"));
        await act.Should().ThrowAsync<ArchiveException>().WithMessage("*catalog*");
    }

    private static async Task<(Guid Id, string DataFile)> Setup(TempDir tmp)
    {
        Directory.CreateDirectory(tmp.Sub("src"));
        await File.WriteAllTextAsync(tmp.Sub("src/a-before.txt"), "before");
        var data = new byte[400_000];
        new Random(3).NextBytes(data);
        await File.WriteAllBytesAsync(tmp.Sub("src/victim.bin"), data);
        await File.WriteAllTextAsync(tmp.Sub("src/z-after.txt"), "after");
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));
        var dataFile = Directory.GetFiles(tmp.Sub("drive"), "*.tape", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        return (r.BackupId, dataFile);
    }

    /// <summary>Physical block index in the data tape file of the block holding the middle of a file's data.</summary>
    private static Task<long> BlockHolding(TempDir tmp, Guid id, string path)
    {
        using var drive = DirectoryDrive.Open(DriveSpec.Directory(tmp.Sub("drive")), false);
        using var reader = ArchiveReader.Open([drive], id, null);
        var e = reader.Catalog.Entries.Single(x => x.Path == path);
        var b = reader.BlockIndex[reader.FindBlock(e.Offset + (e.Length / 2))];
        var seg = reader.SegmentOf(b.Sequence)!;
        return Task.FromResult(1 + b.Sequence - seg.FirstSequence);
    }
}
