using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Digest;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Digest;

/// <summary>The per-workload digest: which claims it lists, where their workloads run, their state and last good backup.</summary>
[TestFixture]
public sealed class WorkloadDigestTests
{
    private static readonly DateTimeOffset T = Build.Epoch0;

    private static BackupJob Single(string name, string claim, BackupPhase phase, DateTimeOffset? done, string? run = null) => Build.Job(name, claim) with
    {
        Metadata = Build.Job(name, claim).Metadata with { Annotations = run is null ? null : new Dictionary<string, string> { [FederatedBackupDecider.ParentAnnotation] = run } },
        Status = new BackupJobStatus { Phase = phase, CompletionTime = done },
    };

    private static BackupJob Run(params VolumeTask[] tasks) => new()
    {
        Metadata = new ObjectMeta { Name = "nightly", Namespace = "apps" },
        Spec = new BackupJobSpec { Source = new BackupSource { Selector = new LabelSelector() } },
        Status = new BackupJobStatus { Phase = BackupPhase.Succeeded, Volumes = tasks },
    };

    private static Pod Owned(Pod pod, string owner) => pod with
    {
        Metadata = pod.Metadata with { OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = owner, Uid = owner, Controller = true }] },
    };

    [Test]
    public void Each_backed_up_claim_shows_where_its_workload_runs_its_state_and_its_last_good_backup()
    {
        var backups = new[]
        {
            Run(new VolumeTask { Namespace = "apps", PersistentVolumeClaim = "db", Workload = "db", Job = "nightly-000-db" },
                new VolumeTask { Namespace = "apps", PersistentVolumeClaim = "web", Workload = "web", Job = "nightly-001-web" },
                new VolumeTask { Namespace = "apps", PersistentVolumeClaim = "gone", Workload = "gone", Job = "nightly-002-gone" }),
            Single("nightly-000-db", "db", BackupPhase.Succeeded, T.AddHours(-2), "apps/nightly"),
            Single("db-manual", "db", BackupPhase.Succeeded, T.AddHours(-1)),
            Single("db-broken", "db", BackupPhase.Failed, T),
            Single("nightly-001-web", "web", BackupPhase.Succeeded, T.AddHours(-3), "apps/nightly"),
            Single("logs", "logs", BackupPhase.Running, null),
        };
        var claims = new[] { Build.Claim("db"), Build.Claim("web"), Build.Claim("logs") };
        var mounter = Build.Pod("spool-mount-x", "n3", "web");
        var pods = new[]
        {
            Owned(Build.Pod("db-0", "n2", "db"), "db"),
            Owned(Build.Pod("web-0", "n1", "web", phase: "Pending"), "web"),
            mounter with { Metadata = mounter.Metadata with { Labels = new Dictionary<string, string> { [MounterPods.Label] = "x" } } },
            Build.Pod("logs-a", "n1", "logs"),
            Build.Pod("logs-b", "n3", "logs"),
        };

        var rows = WorkloadDigest.Build(backups, claims, pods);

        rows.Select(r => r.Claim).Should().Equal("db", "gone", "logs", "web");
        rows[0].Should().BeEquivalentTo(new DigestRow { Namespace = "apps", Claim = "db", Workload = "db", Nodes = ["n2"], State = "Running", LastBackupTime = T.AddHours(-1), LastBackupJob = "db-manual" });
        rows[1].Should().BeEquivalentTo(new DigestRow { Namespace = "apps", Claim = "gone", Workload = "gone", Nodes = [], State = "Missing" });
        rows[2].Should().BeEquivalentTo(new DigestRow { Namespace = "apps", Claim = "logs", Workload = "logs-a", Nodes = ["n1", "n3"], State = "Running" }, "a claim without a good backup is listed with none; a workload on two nodes shows both");
        rows[3].Should().BeEquivalentTo(new DigestRow { Namespace = "apps", Claim = "web", Workload = "web", Nodes = [], State = "NotRunning", LastBackupTime = T.AddHours(-3), LastBackupJob = "nightly-001-web", Run = "apps/nightly" }, "a mounter pod is not the workload");
    }

    [Test]
    public void A_run_limits_the_digest_to_its_volumes_and_an_unknown_run_is_an_error()
    {
        var backups = new[] { Run(new VolumeTask { Namespace = "apps", PersistentVolumeClaim = "db" }), Single("other", "logs", BackupPhase.Succeeded, T) };

        WorkloadDigest.Build(backups, [Build.Claim("db"), Build.Claim("logs")], [], run: "nightly").Select(r => r.Claim).Should().Equal("db");
        var unknown = () => WorkloadDigest.Build(backups, [], [], run: "weekly");
        unknown.Should().Throw<ArgumentException>().WithMessage("*weekly*");
    }

    [Test]
    public void The_table_has_kubectl_style_columns()
    {
        var table = WorkloadDigest.Format([new DigestRow { Namespace = "apps", Claim = "db", Workload = "db", Nodes = ["n2"], State = "Running", LastBackupTime = T, LastBackupJob = "db-manual" }]);

        var lines = table.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().MatchRegex("^NAMESPACE +WORKLOAD +CLAIM +NODE +STATE +LAST BACKUP +BACKUP JOB +RUN$");
        lines[1].Should().MatchRegex("^apps +db +db +n2 +Running +2026-01-01T12:00:00Z +db-manual +-$");
        lines[0].IndexOf("STATE", StringComparison.Ordinal).Should().Be(lines[1].IndexOf("Running", StringComparison.Ordinal), "columns line up");
    }
}
