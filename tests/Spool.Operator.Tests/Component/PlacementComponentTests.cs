using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Component;

[TestFixture]
[Category("Component")]
public sealed class PlacementComponentTests
{
    private OperatorHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await OperatorHarness.StartAsync();
        await _h.CreateNodeAsync("n1");
        await _h.CreateNodeAsync("n2");
        await _h.RenewLeaseAsync("n1");
        await _h.RenewLeaseAsync("n2");
        await _h.CreateDriveAsync("td-0");
        await _h.CreateDriveAsync("td-1");
        await _h.CreateClaimAsync();
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task A_job_runs_on_the_node_of_the_pod_that_mounts_its_claim_and_holds_a_drive()
    {
        await _h.RunPodAsync("app-0", "n2");
        await _h.StartOperatorAsync();
        await _h.CreateBackupAsync("nightly", ["td-0", "td-1"]);

        var job = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running, "the job to run");

        job.Status!.Node.Should().Be("n2");
        job.Status.Epoch.Should().Be(1);
        job.Status.Volume!.Resolution.Should().Be("RunningPod");
        job.Metadata.Labels.Should().Contain(SpoolGroup.NodeLabel, "n2");
        job.Metadata.Finalizers.Should().Contain(SpoolGroup.Finalizer);
        var drive = await _h.GetDriveAsync(job.Status.Drives![0].Name);
        drive.Status!.Holder!.Job.Should().Be("apps/nightly");
        drive.Status.Holder.Epoch.Should().Be(1);
        drive.Status.Holder.Node.Should().Be("n2");
        drive.Status.Phase.Should().Be(DrivePhase.InUse);
        JobConditions.Find(job.Status.Conditions, JobConditions.Ready)!.Status.Should().Be(ConditionStatus.True);
    }

    [Test]
    public async Task A_missing_claim_is_a_clear_condition_and_an_event_not_a_crash()
    {
        await _h.StartOperatorAsync();
        await _h.CreateBackupAsync("orphan", ["td-0"], claim: "nope");

        var job = await _h.BackupEventuallyAsync("orphan", j => j.Status?.Phase == BackupPhase.Waiting, "the job to wait");

        var ready = JobConditions.Find(job.Status!.Conditions, JobConditions.Ready)!;
        ready.Status.Should().Be(ConditionStatus.False);
        ready.Reason.Should().Be(OwnerResolver.ClaimNotFound);
        ready.ObservedGeneration.Should().Be(job.Metadata.Generation);
        JobConditions.Find(job.Status.Conditions, JobConditions.Stalled)!.Status.Should().Be(ConditionStatus.True);
        var events = await _h.EventuallyAsync(() => _h.EventsAsync("orphan"), e => e.Any(x => x.Reason == OwnerResolver.ClaimNotFound), "a ClaimNotFound event");
        events.Should().Contain(e => e.Type == "Warning");
    }

    [Test]
    public async Task Jobs_of_one_run_take_turns_on_a_node_under_maxConcurrentPerNode()
    {
        await _h.RenewLeaseAsync("n1", seconds: 3600);
        await _h.CreateClaimAsync("logs", "pv-logs");
        await _h.RunPodAsync("app-0", "n1");
        await _h.RunPodAsync("app-1", "n1", claim: "logs");
        await _h.StartOperatorAsync();
        foreach (var (name, claim) in new[] { ("run-data", "data"), ("run-logs", "logs") })
        {
            await _h.Client.CreateAsync(new BackupJob
            {
                Metadata = new ObjectMeta { Name = name, Namespace = OperatorHarness.Namespace, Labels = new Dictionary<string, string> { [SpoolGroup.ParentLabel] = "run" } },
                Spec = new BackupJobSpec
                {
                    Source = new BackupSource { PersistentVolumeClaim = claim },
                    Destination = new BackupDestination { Drives = ["td-0", "td-1"] },
                    MaxConcurrentPerNode = 1,
                },
            });
        }

        // Either may go first; the other waits for it.
        var jobs = await _h.EventuallyAsync(
            async () => new[] { await _h.GetBackupAsync("run-data"), await _h.GetBackupAsync("run-logs") },
            js => js.Count(j => j.Status?.Phase == BackupPhase.Running) == 1 && js.Count(j => j.Status?.Phase == BackupPhase.Waiting) == 1,
            "one job of the run to run and the other to wait");
        var first = jobs.Single(j => j.Status!.Phase == BackupPhase.Running);
        var second = jobs.Single(j => j.Status!.Phase == BackupPhase.Waiting);
        first.Status!.Node.Should().Be("n1");
        var ready = JobConditions.Find(second.Status!.Conditions, JobConditions.Ready)!;
        ready.Reason.Should().Be(Reasons.NodeBusy);
        ready.Message.Should().Contain("maxConcurrentPerNode is 1");
        (await _h.GetDriveAsync(first.Status.Drives![0].Name == "td-0" ? "td-1" : "td-0")).Status!.Holder.Should().BeNull("a free drive is not enough: the run already streams on n1");

        await _h.WriteStatusAsync(first.Metadata.Name!, s => s with { Report = new AgentReport { Epoch = s.Epoch, Node = "n1", Outcome = "Completed" } });

        await _h.BackupEventuallyAsync(first.Metadata.Name!, j => j.Status?.Phase == BackupPhase.Succeeded, "the first job to finish");
        second = await _h.BackupEventuallyAsync(second.Metadata.Name!, j => j.Status?.Phase == BackupPhase.Running, "the second job to run once the first ended");
        second.Status!.Node.Should().Be("n1");
    }

    [Test]
    public async Task Jobs_queued_for_one_drive_each_take_it_as_soon_as_the_one_before_them_frees_it()
    {
        await _h.RenewLeaseAsync("n1", seconds: 3600);
        var claims = new[] { "data", "logs", "db" };
        await _h.CreateClaimAsync("logs", "pv-logs");
        await _h.CreateClaimAsync("db", "pv-db");
        for (var i = 0; i < claims.Length; i++)
        {
            await _h.RunPodAsync($"app-{i}", "n1", claims[i]);
        }

        await _h.StartOperatorAsync();
        foreach (var claim in claims)
        {
            await _h.CreateBackupAsync("q-" + claim, ["td-0"], claim);
        }

        async Task<BackupJob[]> Jobs() => await Task.WhenAll(claims.Select(c => _h.GetBackupAsync("q-" + c)));
        var jobs = await _h.EventuallyAsync(
            Jobs,
            js => js.Count(j => j.Status?.Phase == BackupPhase.Running) == 1
                && js.Count(j => j.Status?.Phase == BackupPhase.Waiting && JobConditions.Find(j.Status.Conditions, JobConditions.Ready)?.Reason == Reasons.WaitingForDrive) == 2,
            "one job to hold td-0 and two to queue for it");

        // From here on the clock stands still: no re-queue comes due, so each waiting job can only start on the wake-up
        // that the release of td-0 sends. The arbitration queue, rebuilt at most every 200 ms of this clock, is then
        // reused by every decision until the end of the test, while the jobs in it claim the drive one after another.
        _h.Time.Advance(TimeSpan.FromSeconds(2));
        foreach (var _ in claims)
        {
            var running = jobs.Single(j => j.Status?.Phase == BackupPhase.Running);
            running.Status!.Drives!.Single().Name.Should().Be("td-0");
            await _h.WriteStatusAsync(running.Metadata.Name!, s => s with { Report = new AgentReport { Epoch = s.Epoch, Node = "n1", Outcome = "Completed" } });
            var finished = running.Metadata.Name!;
            jobs = await _h.EventuallyAsync(
                Jobs,
                js => js.Single(j => j.Metadata.Name == finished).Status?.Phase == BackupPhase.Succeeded
                    && (js.All(j => j.Status?.Phase == BackupPhase.Succeeded) || js.Count(j => j.Status?.Phase == BackupPhase.Running) == 1),
                $"{finished} to finish and the next queued job to take td-0",
                step: TimeSpan.Zero,
                timeout: TimeSpan.FromSeconds(15));
        }

        jobs.Should().OnlyContain(j => j.Status!.Phase == BackupPhase.Succeeded);
    }

    [Test]
    public async Task Deleting_a_running_job_releases_its_drive_and_removes_the_finalizer()
    {
        await _h.RunPodAsync("app-0", "n1");
        await _h.StartOperatorAsync();
        await _h.CreateBackupAsync("nightly", ["td-0"]);
        await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running, "the job to run");

        await _h.Client.DeleteAsync<BackupJob>("nightly", OperatorHarness.Namespace);

        await _h.EventuallyAsync(() => _h.Client.GetAsync<BackupJob>("nightly", OperatorHarness.Namespace), j => j is null, "the job to be gone");
        (await _h.GetDriveAsync("td-0")).Status!.Holder.Should().BeNull();
    }
}
