using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Spool.DataPath.Format;
using Spool.DataPath.Native;

namespace Spool.DataPath.Tests;

public sealed class RoundTripTests
{
    [FsCheck.NUnit.Property(MaxTest = 12)]
    public Property RandomTreesRestoreIdentically() => Prop.ForAll(
        Gen.Choose(0, 1_000_000).ToArbitrary(),
        Gen.Elements(CompressionKind.None, CompressionKind.Deflate, CompressionKind.Brotli).ToArbitrary(),
        Gen.Elements(false, true).ToArbitrary(),
        (seed, compression, encrypt) =>
        {
            using var tmp = new TempDir();
            RandomTree.Build(tmp.Sub("src"), seed);
            var key = encrypt ? Engines.Key() : null;
            var result = Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), edit: r => r with { Compression = compression, Encryption = key }).GetAwaiter().GetResult();
            result.Outcome.Should().Be(BackupOutcome.Completed);
            var restored = Engines.Restore(tmp.Sub("drive"), result.BackupId, tmp.Sub("out"), key).GetAwaiter().GetResult();
            restored.Success.Should().BeTrue(string.Join("; ", restored.Damaged.Concat(restored.Refused)));
            TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
        });

    [Test]
    public async Task SparseFilesAreNotInflatedOnRestore()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Sub("src"));
        var path = Path.Combine(tmp.Sub("src"), "sparse");
        await using (var fs = new FileStream(path, FileMode.CreateNew))
        {
            fs.Seek(20 << 20, SeekOrigin.Begin);
            fs.Write("data"u8);
            fs.SetLength(40 << 20);
        }

        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), edit: q => q with { Compression = CompressionKind.Deflate });
        (await Engines.Restore(tmp.Sub("drive"), r.BackupId, tmp.Sub("out"))).Success.Should().BeTrue();
        var st = Posix.Lstat(Path.Combine(tmp.Sub("out"), "sparse"));
        st.Size.Should().Be(40 << 20);
        (st.Blocks * 512).Should().BeLessThan(1 << 20, "holes stay holes");
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
    }

    [Test]
    public async Task SelectedPathsRestoreWithoutTheRest()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 5, files: 40);
        Directory.CreateDirectory(tmp.Sub("src/pick/inner"));
        await File.WriteAllTextAsync(tmp.Sub("src/pick/inner/one"), "one");
        await File.WriteAllTextAsync(tmp.Sub("src/solo.txt"), "solo");
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));
        var res = await Engines.Restore(tmp.Sub("drive"), r.BackupId, tmp.Sub("out"), paths: ["pick", "solo.txt"]);
        res.Success.Should().BeTrue();
        Directory.EnumerateFileSystemEntries(tmp.Sub("out")).Select(Path.GetFileName).Should().BeEquivalentTo("pick", "solo.txt");
        (await File.ReadAllTextAsync(tmp.Sub("out/pick/inner/one"))).Should().Be("one");
    }

    [Test]
    public async Task PlainPayloadIsAPaxTarStreamThatGnuTarExtracts()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 11, files: 30);
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));
        var tarFile = tmp.Sub("stream.tar");
        await using (var output = File.Create(tarFile))
        {
            // Only the format document is needed for this: concatenate data-block payloads in sequence order.
            foreach (var file in Directory.GetFiles(tmp.Sub("drive"), "*.tape", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                for (var off = 0; off + Engines.SmallBlock <= bytes.Length; off += Engines.SmallBlock)
                {
                    if (bytes[off + 10] == (byte)BlockKind.Data)
                    {
                        var len = BitConverter.ToInt32(bytes, off + 60);
                        output.Write(bytes, off + BlockHeader.Size, len);
                    }
                }
            }
        }

        Directory.CreateDirectory(tmp.Sub("out"));
        using var tar = Process.Start(new ProcessStartInfo("tar", ["-xpf", tarFile, "-C", tmp.Sub("out")]) { RedirectStandardError = true })!;
        var stderr = await tar.StandardError.ReadToEndAsync();
        await tar.WaitForExitAsync();
        tar.ExitCode.Should().Be(0, stderr);
        var expected = TreeAssert.Snapshot(tmp.Sub("src")).ToDictionary(kv => kv.Key, kv => kv.Value.Split(" mtime=")[0]);
        var actual = TreeAssert.Snapshot(tmp.Sub("out")).ToDictionary(kv => kv.Key, kv => kv.Value.Split(" mtime=")[0]);
        actual.Should().BeEquivalentTo(expected, "tar restores everything but sub-second mtimes");
        r.Files.Should().BeGreaterThan(5);
    }

    [Test]
    public async Task IncrementalStoresOnlyChangesAndRestoresTheChain()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 21, files: 30);
        await File.WriteAllBytesAsync(tmp.Sub("src/big-unchanged"), new byte[3 << 20]);
        var full = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));

        await File.WriteAllTextAsync(tmp.Sub("src/added"), "new file");
        var victim = Directory.GetFiles(tmp.Sub("src"), "*", SearchOption.AllDirectories).First(p => Posix.Lstat(p).IsRegular && !p.EndsWith("big-unchanged", StringComparison.Ordinal) && !p.EndsWith("added", StringComparison.Ordinal) && Posix.Lstat(p).LinkCount == 1);
        File.Delete(victim);
        await File.WriteAllTextAsync(tmp.Sub("src/empty-dir/changed"), "changed");
        var incr = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), edit: r => r with { IncrementalFrom = full.BackupId, BackupId = Guid.NewGuid() });
        incr.SourceBytes.Should().BeLessThan(1 << 20, "the unchanged 3 MiB file is not stored again");

        var res = await Engines.Restore(tmp.Sub("drive"), incr.BackupId, tmp.Sub("out"));
        res.Success.Should().BeTrue(string.Join("; ", res.Damaged));
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
        (await Engines.Verify(tmp.Sub("drive"), incr.BackupId)).Ok.Should().BeTrue();
    }

    [Test]
    public async Task SpecialFilesAreSkippedWithAWarning()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Sub("src"));
        Posix.MkFifo(tmp.Sub("src/fifo"), 0x1A4);
        await File.WriteAllTextAsync(tmp.Sub("src/file"), "x");
        var sink = new RecordingSink();
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"), sink);
        sink.Warnings.Should().ContainSingle(w => w.Kind == WarningKind.SpecialFileSkipped && w.Path == "fifo");
        r.Files.Should().Be(1);
    }
}
