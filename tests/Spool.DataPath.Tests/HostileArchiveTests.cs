using Spool.DataPath.Catalog;

namespace Spool.DataPath.Tests;

public sealed class HostileArchiveTests
{
    [TestCase("../escaped")]
    [TestCase("a/../../escaped")]
    [TestCase("/tmp/escaped-absolute")]
    public async Task TraversalPathsAreRefusedAndNothingIsWrittenOutside(string hostile)
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Sub("src/a"));
        await File.WriteAllTextAsync(tmp.Sub("src/a/victim"), "payload");
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));
        ArchiveForger.RewriteCatalog(tmp.Sub("drive"), r.BackupId, entries => entries.Select(e => e.Path == "a/victim" ? e with { Path = hostile } : e).ToList());
        var res = await Engines.Restore(tmp.Sub("drive"), r.BackupId, tmp.Sub("out/target"));
        res.Success.Should().BeFalse();
        res.Refused.Should().ContainSingle(d => d.Path == hostile);
        File.Exists(Path.GetFullPath(Path.Combine(tmp.Sub("out/target"), hostile))).Should().BeFalse();
        File.Exists("/tmp/escaped-absolute").Should().BeFalse();
        File.Exists(tmp.Sub("out/escaped")).Should().BeFalse();
    }

    [Test]
    public async Task PathsThroughAnArchivedSymlinkAreRefused()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Sub("outside"));
        Directory.CreateDirectory(tmp.Sub("src/dir"));
        File.CreateSymbolicLink(tmp.Sub("src/link"), tmp.Sub("outside"));
        await File.WriteAllTextAsync(tmp.Sub("src/dir/file"), "payload");
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));
        ArchiveForger.RewriteCatalog(tmp.Sub("drive"), r.BackupId, entries => entries.Select(e => e.Path == "dir/file" ? e with { Path = "link/file" } : e).ToList());
        var res = await Engines.Restore(tmp.Sub("drive"), r.BackupId, tmp.Sub("target"), allowPartial: true);
        res.Refused.Should().ContainSingle(d => d.Path == "link/file" && d.Reason.Contains("symlink", StringComparison.Ordinal));
        Directory.EnumerateFileSystemEntries(tmp.Sub("outside")).Should().BeEmpty();
        new FileInfo(tmp.Sub("target/link")).LinkTarget.Should().Be(tmp.Sub("outside"), "the symlink itself is content and is restored");
    }

    [Test]
    public async Task ASymlinkAlreadyInTheTargetIsNeverWrittenThrough()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Sub("outside"));
        Directory.CreateDirectory(tmp.Sub("src/dir"));
        await File.WriteAllTextAsync(tmp.Sub("src/dir/file"), "payload");
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));
        Directory.CreateDirectory(tmp.Sub("target"));
        File.CreateSymbolicLink(tmp.Sub("target/dir"), tmp.Sub("outside"));
        var res = await Engines.Restore(tmp.Sub("drive"), r.BackupId, tmp.Sub("target"));
        res.Success.Should().BeFalse();
        Directory.EnumerateFileSystemEntries(tmp.Sub("outside")).Should().BeEmpty();
    }

    [Test]
    public async Task AHardlinkToAPathOutsideTheTargetIsRefused()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Sub("src"));
        await File.WriteAllTextAsync(tmp.Sub("src/f"), "x");
        var r = await Engines.Backup(tmp.Sub("src"), tmp.Sub("drive"));
        ArchiveForger.RewriteCatalog(tmp.Sub("drive"), r.BackupId, entries =>
            [.. entries, new CatalogEntry { Path = "stolen", Type = EntryType.Hardlink, HardlinkGroup = "../../etc/passwd" }]);
        var res = await Engines.Restore(tmp.Sub("drive"), r.BackupId, tmp.Sub("target"), allowPartial: true);
        res.Refused.Should().ContainSingle(d => d.Path == "stolen");
        File.Exists(tmp.Sub("target/stolen")).Should().BeFalse();
    }
}
