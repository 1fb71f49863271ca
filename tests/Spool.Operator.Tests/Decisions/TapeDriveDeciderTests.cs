using FsCheck;
using FsCheck.Fluent;
using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>The drive reconciler: phase and Ready from spec and holder, Failed sticking, and which stale claims it frees.</summary>
[TestFixture]
public sealed class TapeDriveDeciderTests
{
    private static readonly DateTimeOffset Now = Build.Epoch0;

    private static readonly BackupJob Job = Build.Job();

    private static TapeDriveObservation Observe(TapeDrive drive, HolderJob? holder = null) => new() { Drive = drive, Holder = holder, Now = Now };

    private static HolderJob Live(long epoch, bool finished = false) => new(Build.Ref(Job), finished, false, epoch);

    /// <summary>A drive whose status already says what its spec and holder imply, so that only the holder matters.</summary>
    private static TapeDrive Settled(DriveHolder? holder, bool offline = false)
    {
        var drive = Build.Drive("td-0", offline: offline, holder: holder);
        return drive with { Status = TapeDriveDecider.Normalize(drive, drive.Status!, Now) };
    }

    private static TapeDriveStatus Written(IReadOnlyList<OperatorAction> actions) => actions.OfType<UpdateDriveStatus>().Single().Status;

    [Test]
    public void A_claim_of_the_job_s_current_epoch_is_kept_and_nothing_is_written()
    {
        TapeDriveDecider.Decide(Observe(Settled(Build.Holder(Job, 3, "n1")), Live(3))).Should().BeEmpty();
    }

    [TestCase("finished", "has finished")]
    [TestCase("older epoch", "older than")]
    [TestCase("job gone after the grace", "no longer exists")]
    [TestCase("newer epoch after the grace", "was never taken up")]
    [TestCase("other uid after the grace", "no longer exists")]
    public void A_stale_claim_is_released_with_an_event(string what, string why)
    {
        var since = Build.Holder(Job, 3, "n1") with { Since = Now.AddMinutes(-5) };
        var (holder, job) = what switch
        {
            "finished" => (since, Live(3, finished: true)),
            "older epoch" => (since, Live(4)),
            "job gone after the grace" => (since, (HolderJob?)null),
            "newer epoch after the grace" => (since with { Epoch = 5 }, Live(4)),
            _ => (since with { JobUid = "someone-else" }, Live(3)),
        };

        var actions = TapeDriveDecider.Decide(Observe(Settled(holder), job));

        var status = Written(actions);
        status.Holder.Should().BeNull();
        status.Phase.Should().Be(DrivePhase.Available);
        actions.OfType<RecordEvent>().Single().Should().Match<RecordEvent>(e => e.Reason == "ReleasedStaleClaim" && e.Message.Contains(why));
        actions.OfType<UpdateDriveStatus>().Single().ExpectedResourceVersion.Should().Be("10");
    }

    [Test]
    public void Within_the_claim_grace_a_claim_ahead_of_its_job_or_of_an_unknown_job_is_kept_and_looked_at_again()
    {
        var fresh = Build.Holder(Job, 5, "n1") with { Since = Now.AddSeconds(-10) };

        foreach (var job in new[] { Live(4), null })
        {
            var actions = TapeDriveDecider.Decide(Observe(Settled(fresh), job));
            actions.OfType<UpdateDriveStatus>().Should().BeEmpty();
            actions.OfType<RequeueAfter>().Single().Delay.Should().BeCloseTo(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));
        }
    }

    [Test]
    public void Failed_sticks_until_the_spec_changes()
    {
        var failed = Build.Drive("td-0", phase: DrivePhase.Failed) with { };
        failed = failed with { Status = failed.Status! with { LastError = "medium error" } };
        failed = failed with { Status = TapeDriveDecider.Normalize(failed, failed.Status!, Now) };

        TapeDriveDecider.Decide(Observe(failed)).Should().BeEmpty();

        var edited = failed with { Metadata = failed.Metadata with { Generation = 2 } };
        var actions = TapeDriveDecider.Decide(Observe(edited));
        Written(actions).Phase.Should().Be(DrivePhase.Available);
        Written(actions).ObservedGeneration.Should().Be(2);
        actions.OfType<RecordEvent>().Should().ContainSingle(e => e.Reason == "Recovered");
    }

    [Test]
    public void Offline_is_not_ready_and_a_holder_makes_the_drive_in_use()
    {
        var offline = Build.Drive("td-0", offline: true);
        var status = Written(TapeDriveDecider.Decide(Observe(offline)));
        status.Phase.Should().Be(DrivePhase.Offline);
        JobConditions.Find(status.Conditions, JobConditions.Ready)!.Status.Should().Be(ConditionStatus.False);

        var held = Build.Drive("td-0", holder: Build.Holder(Job, 1, "n1")) with { };
        held = held with { Status = held.Status! with { Phase = DrivePhase.Available } };
        Written(TapeDriveDecider.Decide(Observe(held, Live(1)))).Phase.Should().Be(DrivePhase.InUse);
    }

    private static Arbitrary<int[]> Choices => Gen.ArrayOf(Gen.Choose(0, 9999)).ToArbitrary();

    /// <summary>A drive in any state with a holder of any age and epoch, whose job exists or not, finished or not.</summary>
    private static TapeDriveObservation Random(int[] choices)
    {
        var next = 0;
        int Pick(int n) => choices.Length == 0 ? 0 : Math.Abs(choices[next++ % choices.Length] + (next / choices.Length)) % n;
        var jobEpoch = 1L + Pick(5);
        DriveHolder? holder = Pick(4) == 0 ? null : Build.Holder(Job, 1 + Pick(6), "n" + Pick(3)) with
        {
            Since = Now.AddSeconds(-Pick(90)),
            JobUid = Pick(8) == 0 ? "other-uid" : Job.Metadata.Uid,
        };
        var phase = Pick(6) switch { 0 => DrivePhase.Failed, 1 => DrivePhase.Offline, 2 => (DrivePhase?)null, _ => holder is null ? DrivePhase.Available : DrivePhase.InUse };
        var drive = Build.Drive("td-" + Pick(3), offline: Pick(5) == 0, holder: holder, phase: phase);
        drive = drive with
        {
            Metadata = drive.Metadata with { Generation = 1 + Pick(2) },
            Status = Pick(5) == 0 ? null : drive.Status! with { ObservedGeneration = 1 + Pick(2), LastError = Pick(2) == 0 ? "medium error" : null },
        };
        HolderJob? job = holder is null || Pick(5) == 0 ? null : new HolderJob(Build.Ref(Job), Pick(4) == 0, Pick(6) == 0, jobEpoch);
        return Observe(drive, job);
    }

    private static TapeDriveObservation Apply(TapeDriveObservation observation, IReadOnlyList<OperatorAction> actions)
    {
        var drive = observation.Drive;
        foreach (var update in actions.OfType<UpdateDriveStatus>())
        {
            update.ExpectedResourceVersion.Should().Be(drive.Metadata.ResourceVersion);
            drive = drive with { Status = update.Status, Metadata = drive.Metadata with { ResourceVersion = "11" } };
        }

        return observation with { Drive = Simulation.RoundTrip(drive) };
    }

    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property Deciding_again_after_the_actions_are_applied_yields_nothing() => Prop.ForAll(Choices, choices =>
    {
        var observation = Random(choices);
        var first = TapeDriveDecider.Decide(observation);
        var second = TapeDriveDecider.Decide(Apply(observation, first));
        second.Where(a => a is not RequeueAfter).Should().BeEmpty("the first decision [{0}] should have left nothing to do", string.Join(", ", first.Select(a => a.GetType().Name)));
    });

    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property The_drive_decider_never_hands_a_drive_to_anyone_and_frees_only_claims_nobody_can_use() => Prop.ForAll(Choices, choices =>
    {
        var observation = Random(choices);
        var actions = TapeDriveDecider.Decide(observation);
        actions.OfType<ClaimDrive>().Should().BeEmpty();
        var before = observation.Drive.Status?.Holder;
        var after = Apply(observation, actions).Drive.Status?.Holder;
        if (after is not null)
        {
            after.Should().BeEquivalentTo(before, "a holder is kept as it is or released, never replaced");
        }

        var job = observation.Holder;
        var currentClaimOfLiveJob = before is not null && job is not null && !job.Finished && before.JobUid == job.Job.Uid && before.Epoch == job.Epoch;
        if (currentClaimOfLiveJob)
        {
            after.Should().NotBeNull("the claim of a running job's current epoch is never taken away");
        }

        if (before is not null && after is null)
        {
            var age = Now - before.Since!.Value;
            var stale = job is null || before.JobUid != job.Job.Uid ? age >= observation.Settings.ClaimGrace
                : job.Finished || before.Epoch < job.Epoch || (before.Epoch > job.Epoch && age >= observation.Settings.ClaimGrace);
            stale.Should().BeTrue("only a claim of a gone or finished job, of an older epoch, or never taken up past the grace is released");
        }

        var status = Apply(observation, actions).Drive.Status!;
        status.Phase.Should().Be(
            status.Phase == DrivePhase.Failed ? DrivePhase.Failed
            : observation.Drive.Spec.Offline ? DrivePhase.Offline
            : status.Holder is not null ? DrivePhase.InUse
            : DrivePhase.Available);
        if (status.Phase == DrivePhase.Failed)
        {
            observation.Drive.Status!.Phase.Should().Be(DrivePhase.Failed, "only the agent's report marks a drive Failed");
        }
    });
}
