using System.Globalization;
using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Scheduling;

namespace Spool.Operator.Tests.Scheduling;

public sealed class BackupScheduleDeciderTests
{
    private static readonly DateTimeOffset T0 = At("2026-01-01T09:30:00Z");

    [Test]
    public void Nothing_is_due_before_the_first_fire_time_and_the_requeue_lands_on_it()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 10 * * *"), T0);
        world.Reconcile();
        world.Created.Should().BeEmpty();
        world.Schedule.Status!.NextScheduleTime.Should().Be(At("2026-01-01T10:00:00Z"));
        world.LastRequeue.Should().Be(TimeSpan.FromMinutes(30) + BackupScheduleDecider.RequeueSlack);
        JobConditions.Find(world.Schedule.Status.Conditions, ScheduleConditions.Ready)!.Status.Should().Be(ConditionStatus.True);
    }

    [Test]
    public void A_due_run_creates_a_deterministically_named_owned_job_from_the_template()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 10 * * *"), T0);
        world.RunUntil(At("2026-01-01T10:00:01Z"));

        var job = world.Created.Should().ContainSingle().Subject;
        var minutes = At("2026-01-01T10:00:00Z").ToUnixTimeSeconds() / 60;
        job.Metadata.Name.Should().Be($"nightly-{minutes}");
        job.Metadata.Namespace.Should().Be("shop");
        job.Metadata.Labels.Should().Contain(BackupScheduleLabels.Schedule, "nightly").And.Contain("team", "shop");
        job.Metadata.Annotations.Should().Contain(BackupScheduleLabels.Run, "1").And.Contain(BackupScheduleLabels.ScheduledTime, "2026-01-01T10:00:00Z").And.Contain("note", "x");
        var owner = job.Metadata.OwnerReferences.Should().ContainSingle().Subject;
        owner.Should().BeEquivalentTo(new OwnerReference { ApiVersion = "spool.dev/v1alpha1", Kind = "BackupSchedule", Name = "nightly", Uid = "uid-nightly", Controller = true, BlockOwnerDeletion = true });
        job.Spec.Mode.Should().Be(BackupMode.Full);
        job.Spec.Source.PersistentVolumeClaim.Should().Be("data");

        var status = world.Schedule.Status!;
        status.LastScheduleTime.Should().Be(At("2026-01-01T10:00:00Z"));
        status.NextScheduleTime.Should().Be(At("2026-01-02T10:00:00Z"));
        status.RunCount.Should().Be(1);
        status.LastFullRun.Should().Be(1);
        status.ActiveCount.Should().Be(1);
        status.Active!.Single().Name.Should().Be(job.Metadata.Name);
        world.Events.Should().Contain(e => e.Reason == "SuccessfulCreate");
    }

    [Test]
    public void Seconds_schedules_name_jobs_by_unix_seconds()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("*/20 * * * * *"), T0);
        world.RunUntil(T0.AddSeconds(41), w => w.FinishAllActive());
        world.Created.Select(j => j.Metadata.Name).Should().Equal(
            $"nightly-{T0.AddSeconds(20).ToUnixTimeSeconds()}", $"nightly-{T0.AddSeconds(40).ToUnixTimeSeconds()}");
    }

    [Test]
    public void Full_every_third_run_with_incrementals_between()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { FullEvery = 3 }), T0);
        world.RunUntil(T0.AddHours(7), w => w.FinishAllActive());
        world.Created.Select(j => j.Spec.Mode).Should().Equal(
            BackupMode.Full, BackupMode.Incremental, BackupMode.Incremental,
            BackupMode.Full, BackupMode.Incremental, BackupMode.Incremental,
            BackupMode.Full);
        world.Schedule.Status!.RunCount.Should().Be(7);
        world.Schedule.Status.LastFullRun.Should().Be(7);
    }

    [Test]
    public void An_incremental_run_becomes_full_when_the_source_has_no_complete_backup()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { FullEvery = 5 }), T0) { HasCompleteBackup = false };
        world.RunUntil(T0.AddHours(3), w => w.FinishAllActive(BackupPhase.Failed));
        world.Created.Select(j => j.Spec.Mode).Should().Equal(BackupMode.Full, BackupMode.Full, BackupMode.Full);
    }

    [Test]
    public void After_downtime_only_the_latest_missed_run_starts()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *"), T0);
        world.RunUntil(At("2026-01-01T10:00:01Z"), w => w.FinishAllActive());
        world.Created.Should().HaveCount(1);

        // The operator is down from 10:00:01 to 15:37.
        world.Time.Advance(At("2026-01-01T15:37:00Z") - world.Now);
        world.Reconcile();
        world.Created.Should().HaveCount(2);
        world.Created[1].Metadata.Annotations![BackupScheduleLabels.ScheduledTime].Should().Be("2026-01-01T15:00:00Z");
        world.Schedule.Status!.LastScheduleTime.Should().Be(At("2026-01-01T15:00:00Z"));
        world.Schedule.Status.NextScheduleTime.Should().Be(At("2026-01-01T16:00:00Z"));

        world.Reconcile();
        world.Created.Should().HaveCount(2, "the missed run is not started twice");
    }

    [Test]
    public void A_missed_run_outside_the_starting_deadline_is_skipped()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { StartingDeadlineSeconds = 600 }), T0);
        world.RunUntil(At("2026-01-01T10:00:01Z"), w => w.FinishAllActive());
        world.Time.Advance(At("2026-01-01T15:37:00Z") - world.Now);
        world.Reconcile();
        world.Created.Should().HaveCount(1);
        world.LastRequeue.Should().Be(TimeSpan.FromMinutes(23) + BackupScheduleDecider.RequeueSlack);

        world.Time.Advance(At("2026-01-01T16:09:00Z") - world.Now);
        world.Reconcile();
        world.Created.Should().HaveCount(2, "16:00 is nine minutes late, inside the ten-minute deadline");
    }

    [Test]
    public void More_than_a_hundred_missed_runs_warn_and_still_start_the_latest()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("* * * * *"), T0);
        world.Time.Advance(TimeSpan.FromHours(3).Add(TimeSpan.FromSeconds(30)));
        world.Reconcile();
        world.Events.Should().Contain(e => e.Reason == "TooManyMissedRuns" && e.Type == RecordEvent.Warning);
        JobConditions.Find(world.Schedule.Status!.Conditions, ScheduleConditions.MissedRuns)!.Reason.Should().Be("TooManyMissedRuns");
        world.Created.Should().ContainSingle().Which.Metadata.Annotations![BackupScheduleLabels.ScheduledTime].Should().Be("2026-01-01T12:30:00Z");

        world.Time.Advance(TimeSpan.FromMinutes(1));
        world.FinishAllActive();
        world.Reconcile();
        JobConditions.Find(world.Schedule.Status!.Conditions, ScheduleConditions.MissedRuns)!.Status.Should().Be(ConditionStatus.False);
    }

    [Test]
    public void Forbid_skips_while_a_job_is_active_and_starts_the_late_run_when_it_ends_inside_the_deadline()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { ConcurrencyPolicy = ConcurrencyPolicy.Forbid, StartingDeadlineSeconds = 1200 }), T0);
        world.RunUntil(At("2026-01-01T11:00:01Z"));
        world.Created.Should().HaveCount(1, "the 10:00 job is still running at 11:00");
        world.Events.Should().ContainSingle(e => e.Reason == "JobAlreadyActive");
        JobConditions.Find(world.Schedule.Status!.Conditions, ScheduleConditions.Ready)!.Reason.Should().Be("JobAlreadyActive");

        world.Time.Advance(TimeSpan.FromMinutes(10));
        world.FinishAllActive();
        world.Reconcile();
        world.Created.Should().HaveCount(2);
        world.Created[1].Metadata.Annotations![BackupScheduleLabels.ScheduledTime].Should().Be("2026-01-01T11:00:00Z");
    }

    [Test]
    public void Forbid_drops_the_run_when_the_active_job_outlasts_the_deadline()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { StartingDeadlineSeconds = 300 }), T0);
        world.RunUntil(At("2026-01-01T11:00:01Z"));
        world.Time.Advance(TimeSpan.FromMinutes(10));
        world.FinishAllActive();
        world.Reconcile();
        world.Created.Should().HaveCount(1);
        world.RunUntil(At("2026-01-01T12:00:01Z"));
        world.Created.Should().HaveCount(2);
        world.Created[1].Metadata.Annotations![BackupScheduleLabels.ScheduledTime].Should().Be("2026-01-01T12:00:00Z");
    }

    [Test]
    public void Replace_deletes_the_active_job_and_starts_the_new_one()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { ConcurrencyPolicy = ConcurrencyPolicy.Replace }), T0);
        world.RunUntil(At("2026-01-01T11:00:01Z"));
        world.Created.Should().HaveCount(2);
        world.Deleted.Should().Equal(world.Created[0].Metadata.Name);
        world.Jobs.Should().ContainSingle().Which.Metadata.Name.Should().Be(world.Created[1].Metadata.Name);
        world.Schedule.Status!.ActiveCount.Should().Be(1);
    }

    [Test]
    public void Allow_runs_jobs_side_by_side()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { ConcurrencyPolicy = ConcurrencyPolicy.Allow }), T0);
        world.RunUntil(At("2026-01-01T12:00:01Z"));
        world.Created.Should().HaveCount(3);
        world.Deleted.Should().BeEmpty();
        world.Schedule.Status!.ActiveCount.Should().Be(3);
        world.Schedule.Status.Active!.Select(a => a.Name).Should().Equal(world.Created.Select(j => j.Metadata.Name));
    }

    [Test]
    public void Suspend_stops_new_runs_and_resuming_runs_at_most_one_missed_run()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *"), T0);
        world.RunUntil(At("2026-01-01T10:00:01Z"), w => w.FinishAllActive());
        world.SetSpec(s => s with { Suspend = true });
        world.Reconcile();
        world.Schedule.Status!.NextScheduleTime.Should().BeNull();
        world.LastRequeue.Should().BeNull();
        JobConditions.Find(world.Schedule.Status.Conditions, ScheduleConditions.Suspended)!.Status.Should().Be(ConditionStatus.True);
        world.Schedule.Status.ObservedGeneration.Should().Be(2);

        world.Time.Advance(TimeSpan.FromHours(5));
        world.Reconcile();
        world.Created.Should().HaveCount(1);

        world.SetSpec(s => s with { Suspend = false });
        world.Reconcile();
        world.Created.Should().HaveCount(2);
        world.Created[1].Metadata.Annotations![BackupScheduleLabels.ScheduledTime].Should().Be("2026-01-01T15:00:00Z");
        JobConditions.Find(world.Schedule.Status!.Conditions, ScheduleConditions.Suspended)!.Status.Should().Be(ConditionStatus.False);
    }

    [Test]
    public void History_limits_delete_the_oldest_finished_jobs_once_their_backups_are_catalogued()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { SuccessfulJobsHistoryLimit = 2, FailedJobsHistoryLimit = 1 }), T0);
        var phases = new Queue<BackupPhase>([BackupPhase.Succeeded, BackupPhase.Failed, BackupPhase.Succeeded, BackupPhase.Failed, BackupPhase.Succeeded, BackupPhase.Succeeded]);
        world.RunUntil(At("2026-01-01T15:00:01Z"), w =>
        {
            if (phases.Count > 0 && w.Jobs.Any(j => !ScheduledJobs.IsFinished(j)))
            {
                w.FinishAllActive(phases.Dequeue(), catalog: false);
            }
        });
        world.Created.Should().HaveCount(6);
        world.Deleted.Should().BeEmpty("no backup is in the catalog yet");

        foreach (var job in world.Jobs)
        {
            world.Cataloged.Add(job.Status!.BackupId!);
        }

        world.Reconcile();
        var names = world.Created.Select(j => j.Metadata.Name!).ToList();
        world.Deleted.Should().BeEquivalentTo(names[0], names[2], names[1]);
        world.Jobs.Select(j => j.Metadata.Name).Should().BeEquivalentTo(names[3], names[4], names[5]);
        world.Events.Where(e => e.Reason == "SuccessfulDelete").Should().HaveCount(3);
    }

    [Test]
    public void A_create_whose_status_write_was_lost_is_not_repeated_and_the_run_is_still_counted()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 * * * *", s => s with { FullEvery = 2 }), T0);
        world.RunUntil(At("2026-01-01T10:00:01Z"));
        var before = world.Schedule;
        world.FinishAllActive();

        // Roll the status back as if the status update after the create had failed.
        var statusLost = new BackupScheduleObservation
        {
            Schedule = before with { Status = null },
            Jobs = world.Jobs.ToList(),
            HasCompleteBackup = true,
            Now = world.Now,
        };
        var actions = BackupScheduleDecider.Decide(statusLost);
        actions.OfType<CreateBackupJob>().Should().BeEmpty();
        var status = actions.OfType<UpdateScheduleStatus>().Single().Status;
        status.RunCount.Should().Be(1);
        status.LastFullRun.Should().Be(1);
        status.LastScheduleTime.Should().Be(At("2026-01-01T10:00:00Z"));
    }

    [Test]
    public void Same_observation_gives_the_same_actions()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("*/5 * * * *", s => s with { FullEvery = 4 }), T0);
        world.RunUntil(T0.AddMinutes(31), w => w.FinishAllActive());
        var observation = world.Observe();
        var a = BackupScheduleDecider.Decide(observation);
        var b = BackupScheduleDecider.Decide(observation);
        KubeJson.Serialize(a.Select(x => (object)x).ToList()).Should().Be(KubeJson.Serialize(b.Select(x => (object)x).ToList()));
    }

    [Test]
    public void A_quiet_reconcile_writes_nothing()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("0 10 * * *"), T0);
        world.Reconcile();
        world.Reconcile().Should().ContainSingle().Which.Should().BeOfType<RequeueAfter>();
    }

    [TestCase("0 25 * * *", null, "InvalidSchedule")]
    [TestCase("@fortnightly", null, "InvalidSchedule")]
    [TestCase("0 1 * * *", "Atlantis/Capital", "UnknownTimeZone")]
    public void An_invalid_schedule_stalls_with_a_warning_once(string expression, string? zone, string reason)
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec(expression, s => s with { TimeZone = zone }), T0);
        world.Reconcile();
        world.Reconcile();
        world.Created.Should().BeEmpty();
        world.LastRequeue.Should().BeNull();
        world.Events.Should().ContainSingle(e => e.Reason == reason && e.Type == RecordEvent.Warning);
        var stalled = JobConditions.Find(world.Schedule.Status!.Conditions, ScheduleConditions.Stalled)!;
        stalled.Status.Should().Be(ConditionStatus.True);
        stalled.Reason.Should().Be(reason);
    }

    [Test]
    public void A_new_york_schedule_runs_the_nonexistent_spring_forward_time_once_right_after_the_gap()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("30 2 * * *", s => s with { TimeZone = "America/New_York" }), At("2026-03-06T12:00:00Z"));
        world.RunUntil(At("2026-03-10T12:00:00Z"), w => w.FinishAllActive());
        world.Created.Select(j => j.Metadata.Annotations![BackupScheduleLabels.ScheduledTime]).Should().Equal(
            "2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z");
    }

    [Test]
    public void Deleting_schedules_decide_nothing()
    {
        var world = new ScheduleWorld(ScheduleWorld.Spec("* * * * *"), T0);
        var observation = world.Observe() with { Schedule = world.Schedule with { Metadata = world.Schedule.Metadata with { DeletionTimestamp = T0 } }, Now = T0.AddHours(1) };
        BackupScheduleDecider.Decide(observation).Should().BeEmpty();
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
