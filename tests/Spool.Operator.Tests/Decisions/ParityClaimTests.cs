using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>
/// A Parity 3+1 job: its four drives are claimed together or not at all, and a member lost mid-job leaves the job
/// running degraded or on a replacement, with the degraded stripes in its status.
/// </summary>
[TestFixture]
public sealed class ParityClaimTests
{
    private static readonly string[] Members = ["td-0", "td-1", "td-2", "td-3"];

    private static BackupJob ParityJob(bool replace = false, IReadOnlyList<string>? drives = null) =>
        Build.Job(drives: drives ?? [.. Members, "td-4"], redundancy: new RedundancySpec { Mode = RedundancyMode.Parity, Width = 4, ReplaceFailedMember = replace });

    private static BackupJobObservation Observe(BackupJob job, IReadOnlyList<TapeDrive> drives) => new()
    {
        Job = job,
        Claim = Build.Claim("data"),
        Volume = Build.Volume(),
        Pods = [Build.Pod("app-0", "n1")],
        Cluster = Build.Cluster([Build.Node("n1"), Build.Node("n2")], drives),
    };

    /// <summary>Running on n1 at epoch 2, td-0..td-3 as members 0..3, a checkpoint at stripe 40.</summary>
    private static BackupJobObservation Running(bool replace, Func<string, TapeDrive, TapeDrive>? drive = null, BackupJobStatus? status = null)
    {
        var job = ParityJob(replace);
        var running = status ?? new BackupJobStatus
        {
            Phase = BackupPhase.Running,
            Epoch = 2,
            Node = "n1",
            BackupId = BackupJobDecider.BackupIdBase(Build.Ref(job)),
            Drives = Members.Select((m, i) => new HeldDrive { Name = m, Member = i }).ToList(),
            Segment = 0,
            Checkpoint = Build.Checkpoint(2, 5, 5000, "n1") with { Stripe = 40 },
            Attempts = [new Attempt { Epoch = 2, Node = "n1", Drives = Members, StartTime = Build.Epoch0.AddMinutes(-2), Restart = "Fresh" }],
            StartTime = Build.Epoch0.AddMinutes(-2),
            ObservedGeneration = 1,
        };
        job = job with
        {
            Metadata = job.Metadata with { Finalizers = [SpoolGroup.Finalizer], Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = "n1" } },
            Status = running,
        };
        var drives = Members.Select((m, i) => Build.Drive(m, holder: Build.Holder(job, running.Epoch, "n1", i)))
            .Append(Build.Drive("td-4"))
            .Select(d => drive?.Invoke(d.Metadata.Name!, d) ?? d)
            .ToList();
        return Observe(job, drives);
    }

    private static BackupJobStatus NewStatus(IReadOnlyList<OperatorAction> actions) => actions.OfType<UpdateBackupJobStatus>().Single().Status;

    private static TapeDrive Failed(string name, TapeDrive d) => name == "td-2" ? d with { Status = d.Status! with { Phase = DrivePhase.Failed, LastError = "medium error" } } : d;

    [Test]
    public void A_parity_job_claims_its_four_members_at_once_in_name_order()
    {
        var actions = BackupJobDecider.Decide(Observe(ParityJob(), [.. Members.Select(m => Build.Drive(m)), Build.Drive("td-4")]));

        actions.OfType<ClaimDrive>().Select(c => (c.Drive, c.Holder.Member)).Should().Equal(("td-0", 0), ("td-1", 1), ("td-2", 2), ("td-3", 3));
        var status = NewStatus(actions);
        status.Drives!.Select(d => d.Name).Should().Equal(Members);
        status.Attempts!.Single().Drives.Should().Equal(Members);
        status.DriveSummary.Should().Be("td-0,td-1,td-2,td-3");
    }

    [Test]
    public void With_one_member_short_nothing_is_claimed_and_the_job_waits()
    {
        var other = Build.Job("other");
        var drives = Members.Select(m => m == "td-3" ? Build.Drive(m, holder: Build.Holder(other, 1, "n1")) : Build.Drive(m)).ToList();

        var actions = BackupJobDecider.Decide(Observe(ParityJob(drives: Members), drives));

        actions.OfType<ClaimDrive>().Should().BeEmpty("a partial set is never held");
        NewStatus(actions).Phase.Should().Be(BackupPhase.Waiting);
        JobConditions.Find(NewStatus(actions).Conditions, JobConditions.Ready)!.Reason.Should().Be(Reasons.WaitingForDrive);
    }

    [Test]
    public void A_partial_hold_left_by_a_conflicting_claim_is_released_when_the_rest_is_taken()
    {
        var job = ParityJob(drives: Members);
        var other = Build.Job("other");

        // Our claims of td-0 and td-1 landed; td-2 went to the other job before ours.
        var drives = new[]
        {
            Build.Drive("td-0", holder: Build.Holder(job, 1, "n1", 0)),
            Build.Drive("td-1", holder: Build.Holder(job, 1, "n1", 1)),
            Build.Drive("td-2", holder: Build.Holder(other, 1, "n1")),
            Build.Drive("td-3"),
        };

        var actions = BackupJobDecider.Decide(Observe(job, drives));

        actions.OfType<ClaimDrive>().Should().BeEmpty();
        actions.OfType<ReleaseDrive>().Select(r => r.Drive).Should().BeEquivalentTo(["td-0", "td-1"]);
    }

    [Test]
    public void A_member_failing_mid_job_continues_degraded_from_the_checkpoint_without_it()
    {
        var actions = BackupJobDecider.Decide(Running(replace: false, Failed));
        var status = NewStatus(actions);

        status.Phase.Should().Be(BackupPhase.Running);
        status.Epoch.Should().Be(3);
        status.ResumeFrom.Should().NotBeNull("a lost parity member loses nothing: the checkpoint still holds");
        status.ResumeFrom!.Stripe.Should().Be(40);
        status.Drives!.Should().BeEquivalentTo(new[]
        {
            new HeldDrive { Name = "td-0", Member = 0, State = "Active" },
            new HeldDrive { Name = "td-1", Member = 1, State = "Active" },
            new HeldDrive { Name = "td-2", Member = 2, State = "Failed", FromStripe = 0 },
            new HeldDrive { Name = "td-3", Member = 3, State = "Active" },
        });
        status.DegradedStripes.Should().Equal(new DegradedRange { Member = 2, Drive = "td-2", FromStripe = 0, ToStripe = null });
        status.DriveSummary.Should().Be("td-0,td-1,td-2(failed),td-3");
        actions.OfType<ClaimDrive>().Select(c => c.Drive).Should().BeEquivalentTo(["td-0", "td-1", "td-3"]);
        actions.OfType<ClaimDrive>().Should().NotContain(c => c.Drive == "td-4", "replaceFailedMember is off");
    }

    [Test]
    public void A_member_failing_mid_job_is_replaced_from_the_next_stripe_when_the_spec_allows()
    {
        var actions = BackupJobDecider.Decide(Running(replace: true, Failed));
        var status = NewStatus(actions);

        status.Phase.Should().Be(BackupPhase.Running);
        status.ResumeFrom!.Stripe.Should().Be(40);
        status.Drives!.Should().BeEquivalentTo(new[]
        {
            new HeldDrive { Name = "td-0", Member = 0, State = "Active" },
            new HeldDrive { Name = "td-1", Member = 1, State = "Active" },
            new HeldDrive { Name = "td-4", Member = 2, State = "Active", FromStripe = 40 },
            new HeldDrive { Name = "td-3", Member = 3, State = "Active" },
        });
        status.DegradedStripes.Should().Equal(new DegradedRange { Member = 2, Drive = "td-2", FromStripe = 0, ToStripe = 39 });
        actions.OfType<ClaimDrive>().Should().Contain(c => c.Drive == "td-4" && c.Holder.Member == 2);
    }

    [Test]
    public void Without_a_free_replacement_the_job_continues_degraded_rather_than_waiting()
    {
        var other = Build.Job("other");
        var actions = BackupJobDecider.Decide(Running(replace: true, (name, d) => name == "td-4" ? d with { Status = new TapeDriveStatus { Holder = Build.Holder(other, 1, "n1") } } : Failed(name, d)));
        var status = NewStatus(actions);

        status.Phase.Should().Be(BackupPhase.Running);
        status.Drives!.Where(d => d.State == "Active").Select(d => d.Name).Should().BeEquivalentTo(["td-0", "td-1", "td-3"]);
        status.DegradedStripes!.Single().ToStripe.Should().BeNull();
    }

    [Test]
    public void A_second_member_lost_while_degraded_starts_the_backup_over()
    {
        var first = NewStatus(BackupJobDecider.Decide(Running(replace: false, Failed)));
        first = first with { Checkpoint = Build.Checkpoint(3, 9, 9000, "n1") with { Stripe = 70 } };
        var observation = Running(replace: false, (name, d) => name switch
        {
            "td-2" => Failed(name, d) with { Status = d.Status! with { Holder = null, Phase = DrivePhase.Failed } },
            "td-0" => d with { Status = d.Status! with { Phase = DrivePhase.Failed, LastError = "second failure" } },
            _ => d,
        }, first);

        var actions = BackupJobDecider.Decide(observation);
        var status = NewStatus(actions);

        status.ResumeFrom.Should().BeNull("two lost members of a parity set leave stripes unreadable");
        status.BackupId.Should().EndWith("-4", "a fresh start writes a new backup");
        status.DegradedStripes.Should().BeNull("the new backup lacks nothing yet");
        status.Phase.Should().Be(BackupPhase.Waiting, "a fresh set needs four healthy drives and only three are left");
        status.Attempts![^1].Reason.Should().Be(Reasons.DriveFailed);
    }

    [Test]
    public void Completion_closes_an_open_degraded_range_at_the_last_stripe_and_keeps_the_failed_member_named()
    {
        var degraded = NewStatus(BackupJobDecider.Decide(Running(replace: false, Failed)));
        var done = degraded with
        {
            Report = new AgentReport
            {
                Epoch = 3,
                Node = "n1",
                Outcome = "Completed",
                Stripes = 120,
                Catalog = new CatalogLocation { BackupId = "b", Drives = Members, Redundancy = RedundancyMode.Parity, Bytes = 10, Files = 1 },
            },
        };
        var actions = BackupJobDecider.Decide(Running(replace: false, Failed, done));
        var status = NewStatus(actions);

        status.Phase.Should().Be(BackupPhase.Succeeded);
        status.DegradedStripes.Should().Equal(new DegradedRange { Member = 2, Drive = "td-2", FromStripe = 0, ToStripe = 119 });
        status.Drives!.Single(d => d.Name == "td-2").State.Should().Be("Failed");
        actions.OfType<RecordEvent>().Should().Contain(e => e.Message.Contains("DEGRADED: member 2 (td-2) missing in stripes 0-119"));
    }
}
