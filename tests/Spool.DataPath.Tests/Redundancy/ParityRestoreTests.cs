using FsCheck;
using FsCheck.Fluent;
using Spool.DataPath.Redundancy;

namespace Spool.DataPath.Tests.Redundancy;

public sealed class ParityRestoreTests
{
    private static readonly int[] Widths = [2, 3, 4, 5, 6, 7, 8];

    [TestCaseSource(nameof(Widths))]
    public void AnySingleLostMemberRestoresByteIdentical(int k) => Check.One(
        Config.QuickThrowOnFailure.WithMaxTest(2),
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), Gen.Choose(0, k).ToArbitrary(), (seed, lost) =>
        {
            using var tmp = new TempDir();
            RandomTree.Build(tmp.Sub("src"), seed, files: 6, maxSize: 30_000);
            var members = RedundancyFixture.Members(tmp, k + 1);
            var backup = RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members).GetAwaiter().GetResult();
            backup.Outcome.Should().Be(BackupOutcome.Completed);

            Directory.Delete(members[lost], recursive: true);
            var restored = RedundancyFixture.Restore(members, backup.BackupId, tmp.Sub("out")).GetAwaiter().GetResult();

            restored.Success.Should().BeTrue(string.Join("; ", restored.BadBlocks.Concat(restored.Damaged.Select(d => d.Path + ": " + d.Reason))));
            TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
            restored.Degraded.Should().BeTrue();
            restored.Members.Should().HaveCount(k + 1);
            restored.Members.Single(m => m.Health != MemberHealth.Complete).MemberIndex.Should().Be(lost);
            restored.Members.Single(m => m.MemberIndex == lost).Health.Should().Be(MemberHealth.Failed);
        }));

    [TestCaseSource(nameof(Widths))]
    public void CorruptBlocksOnOneMemberAreRebuiltAndVerifyNamesTheMember(int k) => Check.One(
        Config.QuickThrowOnFailure.WithMaxTest(2),
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), Gen.Choose(0, k).ToArbitrary(), Gen.Choose(1, 12).ToArbitrary(), (seed, victim, damage) =>
        {
            using var tmp = new TempDir();
            RandomTree.Build(tmp.Sub("src"), seed, files: 6, maxSize: 30_000);
            var members = RedundancyFixture.Members(tmp, k + 1);
            var backup = RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members).GetAwaiter().GetResult();
            RedundancyFixture.CorruptBlocks(members[victim], damage, new Random(seed)).Should().BeGreaterThan(0);

            var verify = RedundancyFixture.Verify(members, backup.BackupId).GetAwaiter().GetResult();
            verify.Ok.Should().BeTrue(string.Join("; ", verify.BadBlocks) + verify.Error);
            verify.Degraded.Should().BeTrue();
            verify.Members.Where(m => m.Health != MemberHealth.Complete).Select(m => m.MemberIndex).Should().Equal(victim);
            verify.Members.Single(m => m.MemberIndex == victim).Health.Should().Be(MemberHealth.Degraded);
            verify.Members.Single(m => m.MemberIndex == victim).ToString().Should().Contain(members[victim]);

            var restored = RedundancyFixture.Restore(members, backup.BackupId, tmp.Sub("out")).GetAwaiter().GetResult();
            restored.Success.Should().BeTrue(string.Join("; ", restored.BadBlocks));
            TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
        }));

    [Test]
    public async Task DamagedParityThatNoDataReadTouchesIsFoundByTheScrubAndChargedToTheParityMember()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 21, files: 6, maxSize: 30_000);
        var members = RedundancyFixture.Members(tmp, 4);
        var backup = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members);

        // Stripe 0 keeps its parity on the last member: flip a payload byte of that parity block in every member file.
        var damaged = 0;
        foreach (var f in Directory.GetFiles(members[3], "*.tape", SearchOption.AllDirectories))
        {
            using var fs = new FileStream(f, FileMode.Open, FileAccess.ReadWrite);
            if (fs.Length < 3 * RedundancyFixture.Block)
            {
                continue;
            }

            fs.Position = RedundancyFixture.Block + 200;
            var b = fs.ReadByte();
            fs.Position = RedundancyFixture.Block + 200;
            fs.WriteByte((byte)(b ^ 0xff));
            damaged++;
        }

        damaged.Should().BeGreaterThan(0);
        var verify = await RedundancyFixture.Verify(members, backup.BackupId);
        verify.Ok.Should().BeTrue("the data itself is intact");
        verify.Members.Where(m => m.Health != MemberHealth.Complete).Select(m => m.MemberIndex).Should().Equal(3);
        verify.Members.Single(m => m.MemberIndex == 3).Problems.Should().Contain(p => p.Contains("parity does not match its data"));
    }

    [TestCase(0, 1)]
    [TestCase(1, 3)]
    public async Task TwoLostMembersFailNamingBoth(int a, int b)
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 9, files: 6, maxSize: 40_000);
        var members = RedundancyFixture.Members(tmp, 4);
        var backup = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members);
        Directory.Delete(members[a], recursive: true);
        Directory.Delete(members[b], recursive: true);

        var act = () => RedundancyFixture.Restore(members, backup.BackupId, tmp.Sub("out"));
        (await act.Should().ThrowAsync<ArchiveException>())
            .Which.Message.Should().Contain($"member {a} {members[a]}").And.Contain($"member {b} {members[b]}").And.Contain("2 of its 4 members are missing");
        Directory.Exists(tmp.Sub("out")).Should().BeFalse();
    }

    [Test]
    public async Task ACrashedParityBackupResumesOnEveryMemberAndRestoresWithAMemberLost()
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 77, files: 10, maxSize: 80_000);
        var members = RedundancyFixture.Members(tmp, 4);
        var first = new RecordingSink(3);
        var act = () => RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members, first);
        await act.Should().ThrowAsync<SimulatedCrashException>();
        var cp = first.Checkpoints[^1];

        var resumed = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members, new RecordingSink(), r => r with { ResumeFrom = cp, Epoch = cp.Epoch + 1 });
        resumed.Outcome.Should().Be(BackupOutcome.Completed);

        for (var lost = 0; lost < members.Length; lost++)
        {
            var kept = members.Where((_, i) => i != lost).ToArray();
            var restored = await RedundancyFixture.Restore(kept, cp.BackupId, tmp.Sub($"out-{lost}"));
            restored.Success.Should().BeTrue(string.Join("; ", restored.BadBlocks));
            TreeAssert.Identical(tmp.Sub("src"), tmp.Sub($"out-{lost}"));
            restored.Members.Single(m => m.MemberIndex == lost).Health.Should().Be(MemberHealth.Failed);
        }
    }
}
