using System.Text.Json.Nodes;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Api.Tests;

public sealed class KubeJsonTests
{
    [Test]
    public void Serializes_camel_case_enum_names_and_omits_nulls()
    {
        var job = new BackupJob
        {
            Metadata = new ObjectMeta { Name = "db", Namespace = "prod" },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { PersistentVolumeClaim = "data" },
                Destination = new BackupDestination { Drives = ["td-0"], Compression = CompressionMode.Brotli },
                Mode = BackupMode.Incremental,
            },
        };

        var json = JsonNode.Parse(KubeJson.Serialize(job))!.AsObject();

        json["apiVersion"]!.GetValue<string>().Should().Be("spool.dev/v1alpha1");
        json["kind"]!.GetValue<string>().Should().Be("BackupJob");
        json["spec"]!["mode"]!.GetValue<string>().Should().Be("Incremental");
        json["spec"]!["destination"]!["compression"]!.GetValue<string>().Should().Be("Brotli");
        json["spec"]!["source"]!["persistentVolumeClaim"]!.GetValue<string>().Should().Be("data");
        json.ContainsKey("status").Should().BeFalse("a null status is omitted, so a spec write never carries one");
        json["metadata"]!.AsObject().ContainsKey("uid").Should().BeFalse();
    }

    [Test]
    public void Writes_times_as_utc_rfc3339_with_second_precision()
    {
        var meta = new ObjectMeta { CreationTimestamp = new DateTimeOffset(2026, 3, 1, 12, 30, 15, 250, TimeSpan.FromHours(2)) };

        var json = JsonNode.Parse(KubeJson.Serialize(meta))!;

        json["creationTimestamp"]!.GetValue<string>().Should().Be("2026-03-01T10:30:15Z");
    }

    [Test]
    public void Lease_times_keep_microseconds()
    {
        var renew = new DateTimeOffset(2026, 3, 1, 10, 30, 15, TimeSpan.Zero).AddTicks(1234560);
        var lease = new Lease { Spec = new LeaseSpec { RenewTime = renew, LeaseDurationSeconds = 6 } };

        var text = KubeJson.Serialize(lease);
        var back = KubeJson.Deserialize<Lease>(text)!;

        JsonNode.Parse(text)!["spec"]!["renewTime"]!.GetValue<string>().Should().Be("2026-03-01T10:30:15.123456Z");
        back.Spec.RenewTime.Should().Be(renew);
    }

    [Test]
    public void Reads_what_the_api_server_writes_including_unknown_fields()
    {
        const string body = """
            {"apiVersion":"spool.dev/v1alpha1","kind":"TapeDrive","metadata":{"name":"td-0","resourceVersion":"42","generation":3,
             "creationTimestamp":"2026-01-02T03:04:05Z","somethingNew":true},
             "spec":{"type":"Tape","path":"/dev/nst0","blockSizeBytes":65536},
             "status":{"phase":"InUse","holder":{"job":"prod/db","kind":"BackupJob","epoch":4,"node":"node-2","member":0}}}
            """;

        var drive = KubeJson.Deserialize<TapeDrive>(body)!;

        drive.Metadata.ResourceVersion.Should().Be("42");
        drive.Metadata.Generation.Should().Be(3);
        drive.Spec.Type.Should().Be(Spool.Api.V1Alpha1.DriveType.Tape);
        drive.Spec.BlockSizeBytes.Should().Be(65536);
        drive.Status!.Phase.Should().Be(DrivePhase.InUse);
        drive.Status.Holder!.Epoch.Should().Be(4);
        drive.Status.Holder.Node.Should().Be("node-2");
    }

    [Test]
    public void Rejects_an_unknown_enum_value_instead_of_guessing()
    {
        const string body = """{"spec":{"source":{},"destination":{},"mode":"Differential"}}""";

        var read = () => KubeJson.Deserialize<BackupJob>(body);

        read.Should().Throw<System.Text.Json.JsonException>();
    }

    [Test]
    public void Defaults_match_the_documented_ones()
    {
        var spec = new BackupJobSpec();
        var checkpoint = new CheckpointPolicy();

        spec.RestartPolicy.Should().Be(RestartPolicy.Checkpoint);
        spec.MaxConcurrentPerNode.Should().Be(1);
        checkpoint.IntervalBytes.Should().Be(64L * 1024 * 1024);
        checkpoint.IntervalSeconds.Should().Be(10);
        new TapeDriveSpec().BlockSizeBytes.Should().Be(256 * 1024);
    }
}
