using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Component;

/// <summary>
/// Replica-aware placement with the operator in process: a StatefulSet-like workload of one primary (db-0 on n1) and
/// two secondaries (db-1 on n2, db-2 on n3), each with its own claim, the replication lag in a pod annotation and the
/// load of the primary's node in a node annotation. One test per branch of every policy.
/// </summary>
[TestFixture]
[Category("Component")]
public sealed class ReplicaComponentTests
{
    private const string Lag = "spool.dev/replication-lag-seconds";
    private const string Load = "spool.dev/node-load";

    private OperatorHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await OperatorHarness.StartAsync();
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            await _h.CreateNodeAsync(node);
            // Long enough that the fake time the waits advance never expires a node's agent: health here is the replicas'.
            await _h.RenewLeaseAsync(node, seconds: 3600);
        }

        await _h.CreateDriveAsync("td-0");
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    /// <summary>The workload; lags in seconds per secondary (null: no annotation), and the load of n1 (null: none).</summary>
    private async Task WorkloadAsync(string? lag1 = "2", string? lag2 = "5", string? primaryLoad = null)
    {
        await ReplicaAsync("db-0", "n1", "primary", null);
        await ReplicaAsync("db-1", "n2", "replica", lag1);
        await ReplicaAsync("db-2", "n3", "replica", lag2);
        if (primaryLoad is not null)
        {
            var node = (await _h.Client.GetAsync<Node>("n1"))!;
            await _h.Client.UpdateAsync(node with { Metadata = node.Metadata with { Annotations = new Dictionary<string, string> { [Load] = primaryLoad } } });
        }
    }

    private async Task ReplicaAsync(string name, string node, string role, string? lag)
    {
        var claim = "data-" + name;
        await _h.CreateClaimAsync(claim, "pv-" + name);
        var pod = await _h.Client.CreateAsync(new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = OperatorHarness.Namespace,
                Labels = new Dictionary<string, string> { ["app"] = "db", ["role"] = role, ["statefulset.kubernetes.io/pod-name"] = name },
                Annotations = lag is null ? null : new Dictionary<string, string> { [Lag] = lag },
                OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "db", Uid = "sts-db-uid", Controller = true }],
            },
            Spec = new PodSpec
            {
                NodeName = node,
                Containers = [new Container { Name = "postgres", Image = "postgres" }],
                Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
            },
        });
        await _h.Client.UpdateStatusAsync(pod with { Status = new PodStatus { Phase = "Running" } });
    }

    private async Task<BackupJob> BackupAsync(ReplicaPolicy policy, double? maxPrimaryLoad = null)
    {
        await _h.StartOperatorAsync();
        await _h.Client.CreateAsync(new BackupJob
        {
            Metadata = new ObjectMeta { Name = "db", Namespace = OperatorHarness.Namespace },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource
                {
                    PersistentVolumeClaim = "data-db-0",
                    Replica = new ReplicaPolicySpec { Policy = policy, MaxLagSeconds = 30, MaxPrimaryLoad = maxPrimaryLoad },
                },
                Destination = new BackupDestination { Drives = ["td-0"] },
            },
        });
        return await _h.BackupEventuallyAsync("db", j => j.Status?.Phase is BackupPhase.Running or BackupPhase.Failed, "the job to run or fail");
    }

    private static void ShouldRead(BackupJob job, string pod, string node, string role)
    {
        job.Status!.Phase.Should().Be(BackupPhase.Running);
        job.Status.Node.Should().Be(node);
        job.Status.Volume!.Pod.Should().Be(pod);
        job.Status.Volume.PersistentVolumeClaim.Should().Be("data-" + pod);
        job.Status.Volume.PersistentVolume.Should().Be("pv-" + pod);
        job.Status.Volume.ReplicaRole.Should().Be(role);
        job.Status.Volume.ReplicaReason.Should().NotBeNullOrEmpty();
    }

    private static void ShouldFail(BackupJob job, string reason, params string[] explained)
    {
        job.Status!.Phase.Should().Be(BackupPhase.Failed);
        job.Status.Node.Should().BeNull();
        var failed = JobConditions.Find(job.Status.Conditions, JobConditions.Ready)!;
        failed.Status.Should().Be(ConditionStatus.False);
        failed.Reason.Should().Be(reason);
        foreach (var text in explained)
        {
            failed.Message.Should().Contain(text);
            job.Status.Volume!.ReplicaReason.Should().Contain(text);
        }

        job.Status.Volume!.ReplicaRole.Should().BeNull();
    }

    [Test]
    public async Task PreferSecondary_reads_the_healthy_secondary_with_the_least_lag()
    {
        await WorkloadAsync(lag1: "12", lag2: "3");

        var job = await BackupAsync(ReplicaPolicy.PreferSecondary);

        ShouldRead(job, "db-2", "n3", "Secondary");
        job.Status!.Volume!.ReplicaReason.Should().Contain("lag 3s");
        var drive = await _h.GetDriveAsync("td-0");
        drive.Status!.Holder!.Node.Should().Be("n3");
        await _h.EventuallyAsync(() => _h.EventsAsync("db"), e => e.Any(x => x.Reason == "Placed" && x.Message!.Contains("secondary db-2")), "a Placed event naming the secondary");
    }

    [Test]
    public async Task PreferSecondary_falls_back_to_the_primary_when_every_secondary_lags_too_far()
    {
        await WorkloadAsync(lag1: "45", lag2: "120");

        var job = await BackupAsync(ReplicaPolicy.PreferSecondary);

        ShouldRead(job, "db-0", "n1", "Primary");
        job.Status!.Volume!.ReplicaReason.Should().Contain("db-1: lag 45s exceeds 30s").And.Contain("db-2: lag 120s exceeds 30s");
    }

    [Test]
    public async Task PreferSecondary_fails_when_no_secondary_is_healthy_and_the_primary_is_overloaded()
    {
        await WorkloadAsync(lag1: "45", lag2: null, primaryLoad: "0.95");

        var job = await BackupAsync(ReplicaPolicy.PreferSecondary, maxPrimaryLoad: 0.8);

        ShouldFail(job, ReplicaSelector.NoUsableReplica, "db-1: lag 45s exceeds 30s", $"db-2: no annotation {Lag}", "load 0.95 of node n1 exceeds 0.8");
    }

    [Test]
    public async Task SecondaryOnly_reads_a_healthy_secondary()
    {
        await WorkloadAsync(lag1: "1", lag2: "2");

        var job = await BackupAsync(ReplicaPolicy.SecondaryOnly);

        ShouldRead(job, "db-1", "n2", "Secondary");
    }

    [Test]
    public async Task SecondaryOnly_fails_instead_of_reading_the_primary_when_the_lag_exceeds_the_maximum()
    {
        await WorkloadAsync(lag1: "31", lag2: "90");

        var job = await BackupAsync(ReplicaPolicy.SecondaryOnly);

        ShouldFail(job, ReplicaSelector.NoHealthySecondary, "db-1: lag 31s exceeds 30s", "db-2: lag 90s exceeds 30s");
        (await _h.GetDriveAsync("td-0")).Status!.Holder.Should().BeNull();
        await _h.EventuallyAsync(() => _h.EventsAsync("db"), e => e.Any(x => x.Type == "Warning" && x.Reason == "Failed"), "a Warning event Failed");
    }

    [Test]
    public async Task PrimaryOnly_reads_the_primary_even_with_healthy_secondaries()
    {
        await WorkloadAsync();

        var job = await BackupAsync(ReplicaPolicy.PrimaryOnly);

        ShouldRead(job, "db-0", "n1", "Primary");
    }

    [Test]
    public async Task PrimaryOnly_fails_when_the_primary_node_is_over_the_load_threshold()
    {
        await WorkloadAsync(primaryLoad: "0.9");

        var job = await BackupAsync(ReplicaPolicy.PrimaryOnly, maxPrimaryLoad: 0.5);

        ShouldFail(job, ReplicaSelector.PrimaryUnavailable, "load 0.9 of node n1 exceeds 0.5");
    }

    [Test]
    public async Task PreferPrimary_reads_the_primary_while_its_node_is_under_the_load_threshold()
    {
        await WorkloadAsync(primaryLoad: "0.4");

        var job = await BackupAsync(ReplicaPolicy.PreferPrimary, maxPrimaryLoad: 0.5);

        ShouldRead(job, "db-0", "n1", "Primary");
    }

    [Test]
    public async Task PreferPrimary_falls_back_to_a_healthy_secondary_when_the_primary_node_is_overloaded()
    {
        await WorkloadAsync(lag1: "4", lag2: "40", primaryLoad: "0.97");

        var job = await BackupAsync(ReplicaPolicy.PreferPrimary, maxPrimaryLoad: 0.8);

        ShouldRead(job, "db-1", "n2", "Secondary");
        job.Status!.Volume!.ReplicaReason.Should().Contain("load 0.97 of node n1 exceeds 0.8");
    }

    [Test]
    public async Task PreferPrimary_fails_when_the_primary_is_overloaded_and_every_secondary_lags()
    {
        await WorkloadAsync(lag1: "400", lag2: "500", primaryLoad: "1");

        var job = await BackupAsync(ReplicaPolicy.PreferPrimary, maxPrimaryLoad: 0.8);

        ShouldFail(job, ReplicaSelector.NoUsableReplica, "load 1 of node n1 exceeds 0.8", "db-1: lag 400s exceeds 30s");
    }

    [Test]
    public async Task The_chosen_secondary_is_kept_after_its_lag_grows_and_a_failover_resumes_on_it()
    {
        await WorkloadAsync(lag1: "2", lag2: "20");
        var job = await BackupAsync(ReplicaPolicy.PreferSecondary);
        ShouldRead(job, "db-1", "n2", "Secondary");
        await _h.WriteCheckpointAsync("db", 1, 4096);

        var pod = (await _h.Client.GetAsync<Pod>("db-1", OperatorHarness.Namespace))!;
        await _h.Client.UpdateAsync(pod with { Metadata = pod.Metadata with { Annotations = new Dictionary<string, string> { [Lag] = "300" } } });
        await _h.WriteStatusAsync("db", s => s with { Report = new AgentReport { Epoch = s.Epoch, Outcome = "HandedBack", Reason = "AgentRestarted", Node = "n2" } });

        job = await _h.BackupEventuallyAsync("db", j => j.Status is { Phase: BackupPhase.Running, Epoch: 2 }, "the job to resume at epoch 2");
        ShouldRead(job, "db-1", "n2", "Secondary");
        job.Status!.ResumeFrom!.Sequence.Should().Be(1);
    }
}
