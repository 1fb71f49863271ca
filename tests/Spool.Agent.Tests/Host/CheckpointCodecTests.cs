using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Streaming;
using Spool.Api.V1Alpha1;
using Spool.DataPath;
using Spool.DataPath.Catalog;

namespace Spool.Agent.Tests.Host;

public sealed class CheckpointCodecTests
{
    [Test]
    public void A_checkpoint_round_trips_and_its_digest_is_sha256_hex_of_the_data()
    {
        var checkpoint = Sample(epoch: 2);
        var data = CheckpointCodec.Serialize(checkpoint);
        var record = new CheckpointRecord { Epoch = 2, Sequence = 5, Data = data, Digest = CheckpointCodec.Digest(data) };

        var resumed = CheckpointCodec.ResumePoint(record, epoch: 3);

        resumed.Should().BeEquivalentTo(checkpoint);
        record.Digest.Should().MatchRegex("^[0-9a-f]{64}$");
        CheckpointCodec.Digest("abc").Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Test]
    public void No_resume_point_means_a_fresh_start() => CheckpointCodec.ResumePoint(null, 3).Should().BeNull();

    [Test]
    public void A_tampered_checkpoint_is_unusable()
    {
        var data = CheckpointCodec.Serialize(Sample(epoch: 2));
        var record = new CheckpointRecord { Epoch = 2, Data = data.Replace("\"segment\":1", "\"segment\":7", StringComparison.Ordinal), Digest = CheckpointCodec.Digest(data) };

        var act = () => CheckpointCodec.ResumePoint(record, 3);

        act.Should().Throw<AgentFailureException>().Which.Reason.Should().Be(ReportReasons.CheckpointUnusable);
    }

    [Test]
    public void A_checkpoint_of_the_same_or_a_later_epoch_is_unusable()
    {
        var data = CheckpointCodec.Serialize(Sample(epoch: 3));
        var record = new CheckpointRecord { Epoch = 3, Data = data, Digest = CheckpointCodec.Digest(data) };

        var act = () => CheckpointCodec.ResumePoint(record, 3);

        act.Should().Throw<AgentFailureException>().Which.Reason.Should().Be(ReportReasons.CheckpointUnusable);
    }

    [Test]
    public void Backup_ids_that_are_not_guids_map_stably()
    {
        var guid = Guid.NewGuid();

        BackupIds.ToGuid(guid.ToString()).Should().Be(guid);
        BackupIds.ToGuid("apps-db-20260101").Should().Be(BackupIds.ToGuid("apps-db-20260101"));
        BackupIds.ToGuid("apps-db-20260101").Should().NotBe(BackupIds.ToGuid("apps-db-20260102"));
    }

    private static Checkpoint Sample(long epoch) => new()
    {
        BackupId = Guid.Parse("6a1f1f8e-9a43-4a8e-8f3c-2b0b8b8e2b51"),
        Epoch = epoch,
        Segment = 1,
        NextSequence = 42,
        LogicalOffset = 4096,
        Source = new SourcePosition(3, "dir/file", 1024, 512, 4096, 1, 2),
        Catalog = new CatalogState(3, new string('a', 64)),
        Drive = new DrivePosition("drive-1", 1, 2, 42),
        Chain = [new SegmentRef(1, epoch, "drive-1", 1, 2, 0, 42)],
        BlockSize = 65536,
        SourceBytesDone = 3000,
        DriveBytesWritten = 42 * 65536,
        StartedAt = DateTimeOffset.UnixEpoch,
        CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(5),
    };
}
