using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Component;

/// <summary>
/// A federated restore against the embedded API server: the operator fans the RestoreJob out into one child per
/// workload of a finished federated run, one at a time, each placed where its workload runs (or on the named node
/// through a mounter pod); the test plays the agents and the kubelet.
/// </summary>
[TestFixture]
[Category("Component")]
public sealed class FederatedRestoreComponentTests
{
    private const string Ns = OperatorHarness.Namespace;

    private OperatorHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await OperatorHarness.StartAsync();
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            await _h.CreateNodeAsync(node);
            await _h.RenewLeaseAsync(node, seconds: 3600);
        }

        await _h.CreateDriveAsync("td-0");
        foreach (var claim in new[] { "a", "b", "c" })
        {
            await _h.CreateClaimAsync(claim, "pv-" + claim);
        }

        await _h.RunPodAsync("a-0", "n1", claim: "a");
        await _h.RunPodAsync("b-0", "n2", claim: "b");
        await CreateFinishedRunAsync(["a", "b", "c"]);
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task Workloads_are_restored_one_at_a_time_where_they_run_and_one_that_starts_elsewhere_stops_its_restore_and_is_restored_there()
    {
        await _h.StartOperatorAsync();
        await _h.Client.CreateAsync(new RestoreJob
        {
            Metadata = new ObjectMeta { Name = "undo", Namespace = Ns },
            Spec = new RestoreJobSpec
            {
                Source = new RestoreSource { BackupJob = "nightly" },
                Placement = new RestorePlacement { NodeName = "n3" },
                ConflictPolicy = ConflictPolicy.Overwrite,
            },
        });

        // a runs on n1: its restore runs there, alone.
        var a = await RestoreEventuallyAsync("undo-000-a", j => j.Status?.Phase == RestorePhase.Running, "the first workload's restore to run");
        a.Status!.Node.Should().Be("n1");
        a.Status.Backup!.BackupId.Should().Be("b-nightly-000-a");
        a.Spec.Source.BackupJob.Should().Be("nightly-000-a");
        var parent = await ParentEventuallyAsync(p => p.Status?.Workloads?.FirstOrDefault()?.Phase == RestorePhase.Running, "the parent to mirror the first restore");
        parent.Status!.Phase.Should().Be(RestorePhase.Running);
        parent.Status.Workloads!.Select(w => w.PersistentVolumeClaim).Should().Equal("a", "b", "c");
        parent.Status.Workloads!.Should().OnlyContain(w => w.LastBackupTime != null);
        (await ChildrenAsync()).Should().ContainSingle("workloads are restored one at a time");

        // b runs on n2.
        await CompleteAsync("undo-000-a");
        var b = await RestoreEventuallyAsync("undo-001-b", j => j.Status?.Phase == RestorePhase.Running, "the second workload's restore to run");
        b.Status!.Node.Should().Be("n2");
        (await ChildrenAsync()).Count(c => !FederatedRestoreDecider.IsTerminal(c.Status?.Phase)).Should().Be(1);

        // c runs nowhere: a mounter pod brings its claim up on the named node n3.
        await CompleteAsync("undo-001-b");
        var mounter = await _h.EventuallyAsync(() => _h.Client.GetAsync<Pod>("spool-mount-undo-002-c", Ns), p => p is not null, "the mounter pod of c");
        mounter!.Spec.NodeName.Should().Be("n3");
        await _h.Client.UpdateStatusAsync(mounter with { Status = new PodStatus { Phase = "Running" } });
        var c = await RestoreEventuallyAsync("undo-002-c", j => j.Status?.Phase == RestorePhase.Running, "c's restore to run through the mounter");
        c.Status!.Node.Should().Be("n3");
        c.Status.Target!.Resolution.Should().Be("MounterPod");

        // c's workload starts on n1: the restore on n3 is stopped and c is restored on n1 instead.
        await _h.RunPodAsync("c-0", "n1", claim: "c");
        var again = await RestoreEventuallyAsync("undo-002r1-c", j => j.Status?.Phase == RestorePhase.Running, "c's restore to start again where c runs");
        again.Status!.Node.Should().Be("n1");
        again.Status.Target!.Resolution.Should().Be("RunningPod");
        await _h.EventuallyAsync(() => _h.Client.GetAsync<RestoreJob>("undo-002-c", Ns), j => j is null, "the stopped restore to be gone");
        await _h.EventuallyAsync(() => _h.Client.GetAsync<Pod>("spool-mount-undo-002-c", Ns), p => p is null, "its mounter pod to be gone");
        var events = await _h.EventsAsync("undo");
        events.Should().Contain(e => e.Reason == FederatedRestoreDecider.WorkloadActiveElsewhere && e.Type == "Warning");

        await CompleteAsync("undo-002r1-c");
        parent = await ParentEventuallyAsync(p => p.Status?.Phase == RestorePhase.Succeeded, "the federated restore to succeed");
        parent.Status!.Workloads!.Select(w => (w.PersistentVolumeClaim, w.Node, w.Phase, w.Job)).Should().Equal(
            ("a", "n1", RestorePhase.Succeeded, "undo-000-a"),
            ("b", "n2", RestorePhase.Succeeded, "undo-001-b"),
            ("c", "n1", RestorePhase.Succeeded, "undo-002r1-c"));
        parent.Status.Workloads![2].Attempts.Should().Be(2);
        parent.Status.Progress!.Size.Should().Be("3/3 workloads");
        JobConditions.Find(parent.Status.Conditions, JobConditions.Ready)!.Reason.Should().Be(FederatedRestoreDecider.AllWorkloadsRestored);
    }

    [Test]
    public async Task With_mode_Node_and_policy_Refuse_a_workload_running_on_another_node_is_refused_and_the_rest_restored_there()
    {
        await _h.StartOperatorAsync();
        await _h.Client.CreateAsync(new RestoreJob
        {
            Metadata = new ObjectMeta { Name = "undo", Namespace = Ns },
            Spec = new RestoreJobSpec
            {
                Source = new RestoreSource { BackupJob = "nightly", Volumes = ["a", "b"] },
                Placement = new RestorePlacement { Mode = RestorePlacementMode.Node, NodeName = "n2" },
                ActiveWorkloadPolicy = ActiveWorkloadPolicy.Refuse,
                ConflictPolicy = ConflictPolicy.Overwrite,
            },
        });

        var b = await RestoreEventuallyAsync("undo-001-b", j => j.Status?.Phase == RestorePhase.Running, "b's restore to run on n2");
        b.Status!.Node.Should().Be("n2");
        (await _h.Client.GetAsync<RestoreJob>("undo-000-a", Ns)).Should().BeNull("a runs on n1 and is never restored on n2");
        await CompleteAsync("undo-001-b");

        var parent = await ParentEventuallyAsync(p => FederatedRestoreDecider.IsTerminal(p.Status?.Phase), "the federated restore to end");
        parent.Status!.Phase.Should().Be(RestorePhase.PartiallySucceeded);
        parent.Status.Workloads!.Single(w => w.PersistentVolumeClaim == "a").Should().Match<WorkloadRestore>(w =>
            w.Phase == RestorePhase.Failed && w.WorkloadState == FederatedRestoreDecider.StateActiveElsewhere && w.Message!.Contains("node n1"));
        JobConditions.Find(parent.Status.Conditions, JobConditions.Ready)!.Message.Should().Contain("apps/a");
    }

    [Test]
    public async Task The_digest_reads_each_workload_s_node_state_and_last_backup_from_the_api_server()
    {
        await _h.Client.DeleteAsync<PersistentVolumeClaim>("b", Ns);
        using var json = new StringWriter();
        await Spool.Operator.Commands.DigestCommand.WriteAsync(_h.Client, Ns, "nightly", "json", json, CancellationToken.None);

        var rows = KubeJson.Deserialize<List<Spool.Operator.Digest.DigestRow>>(json.ToString())!;
        rows.Select(r => (r.Claim, string.Join(",", r.Nodes), r.State, r.LastBackupJob, r.Run)).Should().Equal(
            ("a", "n1", "Running", "nightly-000-a", "apps/nightly"),
            ("b", "n2", "Missing", "nightly-001-b", "apps/nightly"),
            ("c", "", "NotRunning", "nightly-002-c", "apps/nightly"));
        rows.Should().OnlyContain(r => r.LastBackupTime != null);

        using var table = new StringWriter();
        await Spool.Operator.Commands.DigestCommand.WriteAsync(_h.Client, null, null, "table", table, CancellationToken.None);
        table.ToString().Should().StartWith("NAMESPACE").And.MatchRegex("apps +a-0 +a +n1 +Running +");
    }

    /// <summary>A federated run that finished before the operator started: the parent, and one succeeded child per claim.</summary>
    private async Task CreateFinishedRunAsync(IReadOnlyList<string> claims)
    {
        var parent = await _h.Client.CreateAsync(new BackupJob
        {
            Metadata = new ObjectMeta { Name = "nightly", Namespace = Ns },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["backup"] = "nightly" } } },
                Destination = new BackupDestination { Drives = ["td-0"] },
            },
        });
        var done = _h.Time.GetUtcNow().AddHours(-1);
        var tasks = new List<VolumeTask>();
        for (var i = 0; i < claims.Count; i++)
        {
            var name = FederatedBackupDecider.ChildName("nightly", i, claims[i], false);
            var child = await _h.Client.CreateAsync(FederatedBackupDecider.Child(parent, new VolumeTask { Namespace = Ns, PersistentVolumeClaim = claims[i] }, name));
            var location = new CatalogLocation { BackupId = "b-" + name, Drives = ["td-0"], Bytes = 1000, Files = 3 };
            await _h.Client.UpdateStatusAsync(child with
            {
                Status = new BackupJobStatus { Phase = BackupPhase.Succeeded, BackupId = location.BackupId, Catalog = location, CompletionTime = done.AddMinutes(i) },
            });
            tasks.Add(new VolumeTask { Namespace = Ns, PersistentVolumeClaim = claims[i], Workload = claims[i] + "-0", Job = name, Order = i, Phase = BackupPhase.Succeeded, BackupId = location.BackupId, CompletionTime = done.AddMinutes(i), Node = "n1" });
        }

        await _h.Client.UpdateStatusAsync(parent with { Status = new BackupJobStatus { Phase = BackupPhase.Succeeded, Volumes = tasks, CompletionTime = done.AddMinutes(claims.Count) } });
    }

    private async Task<RestoreJob> RestoreEventuallyAsync(string name, Func<RestoreJob, bool> condition, string what) =>
        (await _h.EventuallyAsync(() => _h.Client.GetAsync<RestoreJob>(name, Ns), j => j is not null && condition(j), what))!;

    private Task<RestoreJob> ParentEventuallyAsync(Func<RestoreJob, bool> condition, string what) => RestoreEventuallyAsync("undo", condition, what);

    private async Task<IReadOnlyList<RestoreJob>> ChildrenAsync() =>
        (await _h.Client.ListAllAsync<RestoreJob>(Ns)).Items.Where(j => j.Metadata.Name != "undo").ToList();

    /// <summary>Plays the agent of the child's current epoch: reports the restore completed.</summary>
    private async Task CompleteAsync(string name)
    {
        while (true)
        {
            var job = (await _h.Client.GetAsync<RestoreJob>(name, Ns))!;
            var status = job.Status!;
            try
            {
                await _h.Client.UpdateStatusAsync(job with
                {
                    Status = status with
                    {
                        Progress = new JobProgress { Epoch = status.Epoch, BytesDone = 1000, BytesTotal = 1000 },
                        Report = new AgentReport { Epoch = status.Epoch, Node = status.Node, Outcome = "Completed", Time = _h.Time.GetUtcNow() },
                    },
                });
                break;
            }
            catch (KubernetesConflictException)
            {
            }
        }

        await RestoreEventuallyAsync(name, j => j.Status?.Phase == RestorePhase.Succeeded, $"{name} to succeed");
    }
}
