using Spool.Agent.Host.Progress;

namespace Spool.Agent.Tests.Host;

public sealed class ProgressTests
{
    [TestCase(0L, "0 B")]
    [TestCase(1023L, "1023 B")]
    [TestCase(1024L, "1.0 KiB")]
    [TestCase(1536L, "1.5 KiB")]
    [TestCase(200L * 1024 * 1024, "200 MiB")]
    [TestCase(3L * 1024 * 1024 * 1024 + (200L * 1024 * 1024), "3.2 GiB")]
    public void Sizes_are_binary_units(long bytes, string text) => ByteSize.Format(bytes).Should().Be(text);

    [TestCase(0L, 100L, "0%")]
    [TestCase(50L, 100L, "50%")]
    [TestCase(999L, 1000L, "99%")]
    [TestCase(1000L, 1000L, "100%")]
    [TestCase(0L, 0L, "100%")]
    public void Percent_is_whole_and_never_100_before_the_end(long done, long total, string text) =>
        ProgressTracker.Percent(done, total).Should().Be(text);

    [Test]
    public void Without_a_total_there_is_no_percent() => ProgressTracker.Percent(10, null).Should().BeNull();

    [TestCase(null, "unknown")]
    [TestCase(5L, "5s")]
    [TestCase(125L, "2m05s")]
    [TestCase(3723L, "1h02m03s")]
    public void Eta_reads_like_kubectl(long? seconds, string text) => ProgressTracker.FormatEta(seconds).Should().Be(text);

    [Test]
    public void Rate_and_eta_come_from_the_window_of_this_epoch()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var tracker = new ProgressTracker(epoch: 2, windowLength: TimeSpan.FromSeconds(60));

        var first = tracker.Update(start, 500_000_000, 10, 1_000_000_000, 20);
        var second = tracker.Update(start.AddSeconds(10), 600_000_000, 12, 1_000_000_000, 20);

        first.BytesPerSecond.Should().BeNull("one sample says nothing about the rate, and the bytes before it were an earlier epoch's");
        second.BytesPerSecond.Should().Be(10_000_000);
        second.EtaSeconds.Should().Be(40);
        second.Percent.Should().Be("60%");
        second.Size.Should().Be("572 MiB / 954 MiB");
        second.Epoch.Should().Be(2);
        second.UpdateTime.Should().Be(start.AddSeconds(10));
    }

    [Test]
    public void Old_samples_leave_the_window()
    {
        var start = DateTimeOffset.UnixEpoch;
        var tracker = new ProgressTracker(1, TimeSpan.FromSeconds(10));
        tracker.Update(start, 0, 0, null, null);
        tracker.Update(start.AddSeconds(5), 1000, 0, null, null);
        tracker.Update(start.AddSeconds(20), 1100, 0, null, null);

        var latest = tracker.Update(start.AddSeconds(25), 1600, 0, null, null);

        latest.BytesPerSecond.Should().Be(100, "the slow period after the first samples dominates once they age out");
        latest.EtaSeconds.Should().BeNull();
        latest.Size.Should().Be("1.6 KiB");
    }
}
