using Spool.DataPath.Drives;
using Spool.DataPath.Redundancy;

namespace Spool.DataPath.Tests.Redundancy;

/// <summary>
/// A member lost in the middle of a backup: the backup resumes from its checkpoint onto a set with that member absent
/// (degraded) or onto a set where a new drive takes the member's place, and still restores byte-identical.
/// </summary>
[TestFixture]
public sealed class DegradedWriteTests
{
    [TestCase(0)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task ASetWrittenWithOneMemberAbsentRestoresByteIdenticalAndNamesTheMember(int absent)
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 31 + absent, files: 12, maxSize: 70_000);
        var members = RedundancyFixture.Members(tmp, 4);
        var result = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members, edit: r => r with
        {
            Redundancy = r.Redundancy! with { AbsentMembers = [absent] },
        });
        result.Outcome.Should().Be(BackupOutcome.Completed);
        Directory.Exists(members[absent]).Should().BeFalse("nothing is written to an absent member");

        var restored = await RedundancyFixture.Restore(members.Where((_, i) => i != absent).ToArray(), result.BackupId, tmp.Sub("out"));
        restored.Success.Should().BeTrue(string.Join("; ", restored.BadBlocks));
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
        restored.Members.Single(m => m.MemberIndex == absent).Should().Match<MemberReport>(m => m.Health == MemberHealth.Failed && m.Drive == members[absent]);
    }

    [Test]
    public void ParityCannotBeWrittenWithTwoMembersAbsent()
    {
        using var tmp = new TempDir();
        var members = RedundancyFixture.Members(tmp, 4);
        var set = new RedundancySet(RedundancyMode.Parity, members.Select(m => DriveSpec.Directory(m, RedundancyFixture.Block)).ToList()) { AbsentMembers = [1, 2] };
        var act = () => RedundantDrive.Create(set);
        act.Should().Throw<ArgumentException>().WithMessage("*at most 1 member(s) absent, not 2*");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AMemberLostMidBackupResumesDegradedOrOnAReplacementAndRestoresWithoutIt(bool replace)
    {
        using var tmp = new TempDir();
        RandomTree.Build(tmp.Sub("src"), 91, files: 12, maxSize: 80_000);
        var members = RedundancyFixture.Members(tmp, 4);
        var first = new RecordingSink(3);
        var act = () => RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, members, first);
        await act.Should().ThrowAsync<SimulatedCrashException>();
        var cp = first.Checkpoints[^1];

        // Member 1 fails: its directory is gone for good.
        const int lost = 1;
        Directory.Delete(members[lost], recursive: true);
        var spare = tmp.Sub("spare");
        var next = members.ToArray();
        if (replace)
        {
            next[lost] = spare;
        }

        var earlier = members.Where((_, i) => i != lost).Select(m => DriveSpec.Directory(m)).ToList();
        var resumed = await RedundancyFixture.Backup(tmp.Sub("src"), RedundancyMode.Parity, next, new RecordingSink(), r => r with
        {
            ResumeFrom = cp,
            Epoch = cp.Epoch + 1,
            Redundancy = r.Redundancy! with { AbsentMembers = replace ? [] : [lost] },
            OtherDrives = earlier,
        });
        resumed.Outcome.Should().Be(BackupOutcome.Completed);

        var left = members.Where((_, i) => i != lost).Concat(replace ? [spare] : []).ToArray();
        var restored = await RedundancyFixture.Restore(left, cp.BackupId, tmp.Sub("out"));
        restored.Success.Should().BeTrue(string.Join("; ", restored.BadBlocks));
        TreeAssert.Identical(tmp.Sub("src"), tmp.Sub("out"));
        restored.Degraded.Should().BeTrue();
        restored.Members.Where(m => m.Health == MemberHealth.Failed).Select(m => m.Drive).Should().OnlyContain(d => d == members[lost]);
    }
}
