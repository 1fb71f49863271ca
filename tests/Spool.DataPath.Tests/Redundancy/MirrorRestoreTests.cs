using Spool.DataPath.Redundancy;

namespace Spool.DataPath.Tests.Redundancy;

public sealed class MirrorRestoreTests
{
    [TestCase(2, 0)]
    [TestCase(2, 1)]
    [TestCase(3, 1)]
    public async Task OneLostCopyRestoresByteIdentical(int copies, int lost)
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 5 + copies, files: 6, maxSize: 30_000);
        var members = RedundancyFixture.Members(tmp, copies);
        var backup = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Mirror, members);
        Directory.Delete(members[lost], recursive: true);

        var restored = await RedundancyFixture.Restore(members, backup.BackupId, tmp.Sub("out"));
        restored.Success.Should().BeTrue();
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
        restored.Members.Single(m => m.MemberIndex == lost).Health.Should().Be(MemberHealth.Failed);
        restored.Members.Where(m => m.MemberIndex != lost).Should().OnlyContain(m => m.Health == MemberHealth.Complete);
    }

    [Test]
    public async Task CorruptBlocksOnOneCopyAreReadFromAnotherAndVerifyNamesIt()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 11, files: 6, maxSize: 30_000);
        var members = RedundancyFixture.Members(tmp, 2);
        var backup = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Mirror, members);
        RedundancyFixture.CorruptBlocks(members[0], 10, new Random(1)).Should().BeGreaterThan(0);

        var verify = await RedundancyFixture.Verify(members, backup.BackupId);
        verify.Ok.Should().BeTrue();
        verify.Members.Single(m => m.MemberIndex == 0).Health.Should().Be(MemberHealth.Degraded);
        verify.Members.Single(m => m.MemberIndex == 1).Health.Should().Be(MemberHealth.Complete);
    }

    [Test]
    public async Task EveryCopyLostFailsNamingThem()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 12, files: 4, maxSize: 20_000);
        var members = RedundancyFixture.Members(tmp, 2);
        var backup = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Mirror, members);
        Directory.Delete(members[0], recursive: true);
        Directory.Delete(members[1], recursive: true);

        var act = () => RedundancyFixture.Restore(members, backup.BackupId, tmp.Sub("out"));
        await act.Should().ThrowAsync<Exception>();
    }
}
