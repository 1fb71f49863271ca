using Spool.Agent.Host.Reclaim;

namespace Spool.Agent.Tests.Host;

public sealed class MediumReuseDeciderTests
{
    private const string Record = """{"backupId":"b","job":"apps/x","epoch":1}""";

    [Test]
    public void Only_a_fresh_start_on_a_reusable_tape_nobody_took_yet_overwrites()
    {
        MediumReuseDecider.ShouldOverwrite(tapeDrive: true, freshStart: true, "Reusable", null).Should().BeTrue();
        MediumReuseDecider.ShouldOverwrite(tapeDrive: true, freshStart: true, "Reusable", "").Should().BeTrue();
    }

    [TestCase(false, true, "Reusable", null, TestName = "Not on a directory drive")]
    [TestCase(true, false, "Reusable", null, TestName = "Not when resuming: earlier segments may be on this tape")]
    [TestCase(true, true, "InUse", null, TestName = "Not while a backup on the medium is live")]
    [TestCase(true, true, "Empty", null, TestName = "Not on an empty catalog: the tape may hold what the catalog never saw")]
    [TestCase(true, true, null, null, TestName = "Not without a catalog")]
    [TestCase(true, true, "Reusable", Record, TestName = "Not after another writer took the medium")]
    public void Everything_else_appends(bool tape, bool fresh, string? medium, string? record) =>
        MediumReuseDecider.ShouldOverwrite(tape, fresh, medium, record).Should().BeFalse();

    [Test]
    public void The_record_goes_once_the_medium_is_no_longer_reusable()
    {
        MediumReuseDecider.ShouldRemoveRecord("InUse", Record).Should().BeTrue();
        MediumReuseDecider.ShouldRemoveRecord("Empty", Record).Should().BeTrue();
        MediumReuseDecider.ShouldRemoveRecord("Reusable", Record).Should().BeFalse("the new backup is not recorded yet; the tape may hold segments a later epoch resumes from");
        MediumReuseDecider.ShouldRemoveRecord("InUse", null).Should().BeFalse();
    }
}
