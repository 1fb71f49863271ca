using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>One example per failover signal and per kind of bad input.</summary>
[TestFixture]
public sealed class BackupJobDeciderTests
{
    private static readonly DateTimeOffset Now = Build.Epoch0;

    /// <summary>Running on n1 at epoch 2 with td-0, a verified checkpoint, the pod on n1.</summary>
    private static BackupJobObservation Running(Func<BackupJobObservation, BackupJobObservation>? change = null)
    {
        var job = Build.Job(drives: ["td-0", "td-1"]);
        var status = new BackupJobStatus
        {
            Phase = BackupPhase.Running,
            Epoch = 2,
            Node = "n1",
            BackupId = BackupJobDecider.BackupIdBase(Build.Ref(job)),
            Drives = [new HeldDrive { Name = "td-0" }],
            Segment = 0,
            Checkpoint = Build.Checkpoint(2, 5, 5000, "n1"),
            Progress = new JobProgress { Epoch = 2, BytesDone = 6000 },
            Attempts = [new Attempt { Epoch = 2, Node = "n1", StartTime = Now.AddMinutes(-2) }],
            StartTime = Now.AddMinutes(-2),
            ObservedGeneration = 1,
        };
        job = job with
        {
            Metadata = job.Metadata with { Finalizers = [SpoolGroup.Finalizer], Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = "n1" } },
            Status = status,
        };
        var observation = new BackupJobObservation
        {
            Job = job,
            Claim = Build.Claim("data"),
            Volume = Build.Volume(),
            Pods = [Build.Pod("app-0", "n1")],
            Cluster = Build.Cluster([Build.Node("n1"), Build.Node("n2")], [Build.Drive("td-0", holder: Build.Holder(job, 2, "n1")), Build.Drive("td-1")]),
        };
        return change is null ? observation : change(observation);
    }

    private static BackupJobStatus NewStatus(IReadOnlyList<OperatorAction> actions) => actions.OfType<UpdateBackupJobStatus>().Single().Status;

    [Test]
    public void A_healthy_running_job_decides_nothing_but_a_look_before_its_lease_can_expire()
    {
        var actions = BackupJobDecider.Decide(Running());

        actions.Should().ContainSingle().Which.Should().BeOfType<RequeueAfter>()
            .Which.Delay.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(6));
    }

    [Test]
    public void Node_not_ready_with_the_workload_still_there_fences_and_waits()
    {
        var actions = BackupJobDecider.Decide(Running(o => o with { Cluster = o.Cluster with { Nodes = [Build.Node("n1", ready: false), Build.Node("n2")] } }));

        var status = NewStatus(actions);
        status.Epoch.Should().Be(3);
        status.Phase.Should().Be(BackupPhase.Waiting);
        status.Node.Should().BeNull();
        status.ResumeFrom!.Sequence.Should().Be(5);
        status.Checkpoint.Should().BeNull();
        status.Attempts![0].Reason.Should().Be(NodeHealth.NodeNotReady);
        status.Attempts[0].BytesDone.Should().Be(6000);
        actions.OfType<ReleaseDrive>().Should().ContainSingle(r => r.Drive == "td-0");
        actions.OfType<SetNodeLabel>().Should().ContainSingle(l => l.Node == null);
        actions.OfType<RecordFailover>().Should().ContainSingle(f => f.Reason == NodeHealth.NodeNotReady && f.BytesResent == 1000);
        actions.OfType<RecordEvent>().Should().Contain(e => e.Reason == "FailedOver" && e.Type == RecordEvent.Warning);
    }

    [Test]
    public void A_deleted_node_with_the_pod_rescheduled_moves_the_job_at_once()
    {
        var actions = BackupJobDecider.Decide(Running(o => o with
        {
            Pods = [Build.Pod("app-1", "n2")],
            Cluster = o.Cluster with { Nodes = [Build.Node("n2")] },
        }));

        var status = NewStatus(actions);
        status.Phase.Should().Be(BackupPhase.Running);
        status.Node.Should().Be("n2");
        status.Epoch.Should().Be(3);
        status.Segment.Should().Be(1);
        status.Attempts.Should().HaveCount(2);
        status.Attempts![0].Reason.Should().Be(NodeHealth.NodeDeleted);
        status.Attempts[1].Restart.Should().Be("Checkpoint");
        status.Attempts[1].BytesResent.Should().Be(1000);
        var claim = actions.OfType<ClaimDrive>().Single();
        claim.Drive.Should().Be("td-0", "a healthy drive reachable from the new node is kept");
        claim.Holder.Epoch.Should().Be(3);
        claim.Holder.Node.Should().Be("n2");
        actions.OfType<SetNodeLabel>().Should().ContainSingle(l => l.Node == "n2");
    }

    [Test]
    public void An_expired_agent_lease_is_a_failover_signal()
    {
        var leases = new[] { Build.AgentLease("n1", Now.AddSeconds(-7)), Build.AgentLease("n2", Now) };
        var status = NewStatus(BackupJobDecider.Decide(Running(o => o with { Cluster = o.Cluster with { AgentLeases = leases } })));

        status.Attempts![0].Reason.Should().Be(NodeHealth.AgentLeaseExpired);
        status.Epoch.Should().Be(3);
        JobConditions.Find(status.Conditions, JobConditions.Ready)!.Reason.Should().Be("AgentNotReady");
    }

    [Test]
    public void A_lease_about_to_expire_brings_the_job_back_just_after_the_expiry()
    {
        var leases = new[] { Build.AgentLease("n1", Now.AddSeconds(-4)), Build.AgentLease("n2", Now) };
        var actions = BackupJobDecider.Decide(Running(o => o with { Cluster = o.Cluster with { AgentLeases = leases } }));

        actions.OfType<RequeueAfter>().Single().Delay.Should().BeCloseTo(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300));
    }

    [Test]
    public void A_workload_that_moves_takes_the_job_to_its_new_node()
    {
        var status = NewStatus(BackupJobDecider.Decide(Running(o => o with { Pods = [Build.Pod("app-1", "n2")] })));

        status.Node.Should().Be("n2");
        status.Attempts![0].Reason.Should().Be(Reasons.VolumeMoved);
        status.Volume!.Pod.Should().Be("app-1");
    }

    /// <summary>td-0 reaches only n1 and held the first segment; td-1 reaches <paramref name="td1Nodes"/>; the workload moved to n2.</summary>
    private static BackupJobObservation MovedAwayFromItsDrive(IReadOnlyList<string> td1Nodes) => Running(o =>
    {
        var status = o.Job.Status! with { Attempts = [new Attempt { Epoch = 2, Node = "n1", Drives = ["td-0"], StartTime = Now.AddMinutes(-2), Restart = "Fresh" }] };
        return o with
        {
            Job = o.Job with { Status = status },
            Pods = [Build.Pod("app-1", "n2")],
            Cluster = o.Cluster with { Drives = [Build.Drive("td-0", nodes: ["n1"], holder: Build.Holder(o.Job, 2, "n1")), Build.Drive("td-1", nodes: td1Nodes)] },
        };
    });

    [Test]
    public void A_resume_onto_a_drive_no_node_reaches_with_the_earlier_segments_starts_over_under_a_new_backup_id()
    {
        var before = MovedAwayFromItsDrive(["n2"]);
        var status = NewStatus(BackupJobDecider.Decide(before));

        status.Phase.Should().Be(BackupPhase.Running);
        status.Node.Should().Be("n2");
        status.Drives!.Select(d => d.Name).Should().Equal("td-1");
        status.ResumeFrom.Should().BeNull("a backup split over td-0 and td-1 could be restored on no node");
        status.BackupId.Should().NotBe(before.Job.Status!.BackupId);
        status.Segment.Should().Be(0);
        status.Attempts![^1].Restart.Should().Be("Fresh");
        var progressing = JobConditions.Find(status.Conditions, JobConditions.Progressing)!;
        progressing.Reason.Should().Be(Reasons.CheckpointUnusable);
        progressing.Message.Should().Contain("td-0").And.Contain("started over");
    }

    [Test]
    public void A_resume_onto_a_drive_that_a_node_reaches_with_the_earlier_segments_continues_the_backup()
    {
        var before = MovedAwayFromItsDrive(["n1", "n2"]);
        var status = NewStatus(BackupJobDecider.Decide(before));

        status.Node.Should().Be("n2");
        status.Drives!.Select(d => d.Name).Should().Equal("td-1");
        status.ResumeFrom!.Sequence.Should().Be(5);
        status.BackupId.Should().Be(before.Job.Status!.BackupId);
        status.Segment.Should().Be(1);
    }

    [Test]
    public void A_failed_drive_moves_the_job_to_another_drive_on_the_same_node()
    {
        var actions = BackupJobDecider.Decide(Running(o => o with
        {
            Cluster = o.Cluster with { Drives = [Build.Drive("td-0", holder: Build.Holder(o.Job, 2, "n1"), phase: DrivePhase.Failed), Build.Drive("td-1")] },
        }));

        var status = NewStatus(actions);
        status.Node.Should().Be("n1");
        status.Drives!.Select(d => d.Name).Should().Equal("td-1");
        status.Attempts![0].Reason.Should().Be(Reasons.DriveFailed);
        actions.OfType<ReleaseDrive>().Should().ContainSingle(r => r.Drive == "td-0");
        actions.OfType<ClaimDrive>().Should().ContainSingle(c => c.Drive == "td-1");
    }

    [Test]
    public void An_offline_drive_moves_the_job_too()
    {
        var status = NewStatus(BackupJobDecider.Decide(Running(o => o with
        {
            Cluster = o.Cluster with { Drives = [Build.Drive("td-0", holder: Build.Holder(o.Job, 2, "n1"), offline: true), Build.Drive("td-1")] },
        })));

        status.Attempts![0].Reason.Should().Be(Reasons.DriveOffline);
        status.Drives!.Single().Name.Should().Be("td-1");
    }

    [Test]
    public void A_lost_drive_without_redundancy_restarts_fresh_because_the_checkpointed_segments_are_on_it()
    {
        var checkpoint = new CheckpointRecord { Epoch = 2, Node = "n1", Sequence = 7, BytesDone = 7000, Data = "{}", Digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{}"u8)) };
        var status = NewStatus(BackupJobDecider.Decide(Running(o => o with
        {
            Job = o.Job with { Status = o.Job.Status! with { Checkpoint = checkpoint } },
            Cluster = o.Cluster with { Drives = [Build.Drive("td-0", holder: Build.Holder(o.Job, 2, "n1"), phase: DrivePhase.Failed), Build.Drive("td-1")] },
        })));

        status.ResumeFrom.Should().BeNull();
        status.Attempts![^1].Restart.Should().Be("Fresh");
        status.Conditions.Should().Contain(c => c.Type == "Progressing" && c.Reason == Reasons.CheckpointUnusable);
    }

    [Test]
    public void An_agent_report_naming_a_failing_drive_marks_it_Failed_and_moves_on()
    {
        var actions = BackupJobDecider.Decide(Running(o => o with
        {
            Job = o.Job with { Status = o.Job.Status! with { Report = new AgentReport { Epoch = 2, Node = "n1", Outcome = "Failed", Reason = "MediumError", FailedDrives = ["td-0"] } } },
        }));

        actions.OfType<MarkDriveFailed>().Should().ContainSingle(m => m.Drive == "td-0");
        NewStatus(actions).Drives!.Single().Name.Should().Be("td-1");
    }

    [Test]
    public void A_handed_back_job_gets_a_new_epoch_on_the_same_node()
    {
        var status = NewStatus(BackupJobDecider.Decide(Running(o => o with
        {
            Job = o.Job with { Status = o.Job.Status! with { Report = new AgentReport { Epoch = 2, Node = "n1", Outcome = "HandedBack", Reason = "Shutdown" } } },
        })));

        status.Node.Should().Be("n1");
        status.Epoch.Should().Be(3);
        status.Attempts![0].Reason.Should().Be(Reasons.AgentHandedBack);
        status.Report.Should().BeNull();
    }

    [Test]
    public void An_agent_failure_retries_up_to_the_backoff_limit_then_fails_the_job()
    {
        var failedAttempts = Enumerable.Range(0, 3).Select(i => new Attempt { Epoch = i + 1, Reason = Reasons.AgentFailed, EndTime = Now }).ToList();
        var actions = BackupJobDecider.Decide(Running(o => o with
        {
            Job = o.Job with
            {
                Status = o.Job.Status! with
                {
                    Report = new AgentReport { Epoch = 2, Node = "n1", Outcome = "Failed", Reason = "ReadError", Message = "permission denied" },
                    Attempts = [.. failedAttempts, new Attempt { Epoch = 2, Node = "n1", StartTime = Now }],
                },
            },
        }));

        var status = NewStatus(actions);
        status.Phase.Should().Be(BackupPhase.Failed);
        JobConditions.Find(status.Conditions, JobConditions.Failed)!.Status.Should().Be(ConditionStatus.True);
        actions.OfType<ReleaseDrive>().Should().ContainSingle();
        actions.OfType<RemoveFinalizer>().Should().ContainSingle();
    }

    [Test]
    public void A_checkpoint_whose_digest_does_not_verify_restarts_fresh_and_says_why()
    {
        var status = NewStatus(BackupJobDecider.Decide(Running(o => o with
        {
            Pods = [Build.Pod("app-1", "n2")],
            Job = o.Job with { Status = o.Job.Status! with { Checkpoint = Build.Checkpoint(2, 5, 5000, "n1", valid: false) } },
        })));

        status.ResumeFrom.Should().BeNull();
        status.BackupId.Should().EndWith("-3");
        status.Segment.Should().Be(0);
        status.Attempts![^1].Restart.Should().Be("Fresh");
        JobConditions.Find(status.Conditions, JobConditions.Progressing)!.Reason.Should().Be(Reasons.CheckpointUnusable);
    }

    [Test]
    public void Restart_policy_Fresh_starts_over_even_with_a_good_checkpoint()
    {
        var status = NewStatus(BackupJobDecider.Decide(Running(o => o with
        {
            Pods = [Build.Pod("app-1", "n2")],
            Job = o.Job with { Spec = o.Job.Spec with { RestartPolicy = RestartPolicy.Fresh } },
        })));

        status.ResumeFrom.Should().BeNull();
        status.Attempts![^1].Restart.Should().Be("Fresh");
    }

    [Test]
    public void A_stale_checkpoint_is_dropped_with_a_warning()
    {
        var actions = BackupJobDecider.Decide(Running(o => o with
        {
            Job = o.Job with { Status = o.Job.Status! with { Checkpoint = Build.Checkpoint(1, 9, 9000, "n0") } },
        }));

        NewStatus(actions).Checkpoint.Should().BeNull();
        NewStatus(actions).Epoch.Should().Be(2);
        actions.OfType<RecordEvent>().Should().ContainSingle(e => e.Reason == Reasons.StaleWrite && e.Type == RecordEvent.Warning);
    }

    [Test]
    public void Completion_releases_the_drive_with_the_bytes_and_ends_the_job()
    {
        var actions = BackupJobDecider.Decide(Running(o => o with
        {
            Job = o.Job with { Status = o.Job.Status! with { Report = new AgentReport { Epoch = 2, Node = "n1", Outcome = "Completed", Catalog = new CatalogLocation { BackupId = "b", Drives = ["td-0"], Bytes = 7000, Files = 4 } } } },
        }));

        actions.OfType<ReleaseDrive>().Single().Should().Match<ReleaseDrive>(r => r.BytesWritten == 7000 && r.OperationCompleted);
        var status = NewStatus(actions);
        status.Phase.Should().Be(BackupPhase.Succeeded);
        status.Catalog!.Bytes.Should().Be(7000);
        status.Attempts!.Single().Reason.Should().Be("Completed");
        actions.OfType<SetNodeLabel>().Should().ContainSingle(l => l.Node == null);
        actions.OfType<RemoveFinalizer>().Should().ContainSingle();
    }

    private static BackupJobObservation Fresh(Func<BackupJob, BackupJob>? job = null, Func<BackupJobObservation, BackupJobObservation>? change = null)
    {
        var observation = new BackupJobObservation
        {
            Job = (job ?? (j => j))(Build.Job(drives: ["td-0"])),
            Claim = Build.Claim("data"),
            Volume = Build.Volume(),
            Pods = [Build.Pod("app-0", "n1")],
            Cluster = Build.Cluster([Build.Node("n1"), Build.Node("n2")], [Build.Drive("td-0"), Build.Drive("td-1")]),
        };
        return change is null ? observation : change(observation);
    }

    [TestCase("missing claim", OwnerResolver.ClaimNotFound)]
    [TestCase("no such drive", DriveDemands.DriveNotFound)]
    [TestCase("selector matches nothing", DriveDemands.NoMatchingDrive)]
    [TestCase("no reachable drive", Reasons.NoReachableDrive)]
    [TestCase("missing secret", BackupJobDecider.SecretNotFound)]
    [TestCase("secret without the key", BackupJobDecider.SecretKeyNotFound)]
    [TestCase("source with both claim and selector", BackupJobDecider.InvalidSpec)]
    [TestCase("parity too narrow", BackupJobDecider.InvalidSpec)]
    [TestCase("mirror wider than the drives", DriveDemands.NotEnoughDrives)]
    public void Bad_input_is_a_stalled_condition_an_event_and_a_backoff(string what, string reason)
    {
        var encryption = new EncryptionSpec { SecretRef = new SecretKeySelector { Name = "key", Key = "aes" } };
        var observation = what switch
        {
            "missing claim" => Fresh(change: o => o with { Claim = null, Volume = null }),
            "no such drive" => Fresh(j => j with { Spec = j.Spec with { Destination = new BackupDestination { Drives = ["td-9"] } } }),
            "selector matches nothing" => Fresh(j => j with { Spec = j.Spec with { Destination = new BackupDestination { DriveSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["pool"] = "x" } } } } }),
            "no reachable drive" => Fresh(change: o => o with { Cluster = o.Cluster with { Drives = [Build.Drive("td-0", nodes: ["n2"])] } }),
            "missing secret" => Fresh(j => j with { Spec = j.Spec with { Destination = j.Spec.Destination with { Encryption = encryption } } }),
            "secret without the key" => Fresh(j => j with { Spec = j.Spec with { Destination = j.Spec.Destination with { Encryption = encryption } } }, o => o with { EncryptionSecret = new Secret { Data = new Dictionary<string, string> { ["other"] = "x" } } }),
            "source with both claim and selector" => Fresh(j => j with { Spec = j.Spec with { Source = j.Spec.Source with { Selector = new LabelSelector() } } }),
            "parity too narrow" => Fresh(j => j with { Spec = j.Spec with { Destination = j.Spec.Destination with { Redundancy = new RedundancySpec { Mode = RedundancyMode.Parity, Width = 2 } } } }),
            _ => Fresh(j => j with { Spec = j.Spec with { Destination = j.Spec.Destination with { Redundancy = new RedundancySpec { Mode = RedundancyMode.Mirror, Width = 2 } } } }),
        };

        var actions = BackupJobDecider.Decide(observation);

        var status = NewStatus(actions);
        status.Phase.Should().Be(BackupPhase.Waiting);
        var ready = JobConditions.Find(status.Conditions, JobConditions.Ready)!;
        ready.Status.Should().Be(ConditionStatus.False);
        ready.Reason.Should().Be(reason);
        ready.Message.Should().NotBeNullOrEmpty();
        ready.ObservedGeneration.Should().Be(1);
        JobConditions.Find(status.Conditions, JobConditions.Stalled)!.Status.Should().Be(ConditionStatus.True);
        actions.OfType<RecordEvent>().Should().ContainSingle(e => e.Reason == reason && e.Type == RecordEvent.Warning);
        actions.OfType<RequeueAfter>().Single().Delay.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
        actions.OfType<ClaimDrive>().Should().BeEmpty();

        // The same input an hour later: no write, no event, and a longer wait before the next look.
        var later = Simulation.Apply(observation, actions).Observation;
        later = later with { Cluster = later.Cluster with { Now = Now.AddHours(1), AgentLeases = later.Cluster.Nodes.Select(n => Build.AgentLease(n.Metadata.Name!, Now.AddHours(1))).ToList() } };
        var again = BackupJobDecider.Decide(later);
        again.Should().ContainSingle().Which.Should().BeOfType<RequeueAfter>().Which.Delay.Should().Be(new OperatorSettings().MaxBackoff);
    }

    [Test]
    public void Placement_claims_in_one_decision_and_assigns_epoch_one()
    {
        var actions = BackupJobDecider.Decide(Fresh());

        actions.Select(a => a.GetType().Name).Should().StartWith(["AddFinalizer", "SetNodeLabel", "ClaimDrive", "UpdateBackupJobStatus"]);
        var status = NewStatus(actions);
        status.Phase.Should().Be(BackupPhase.Running);
        status.Epoch.Should().Be(1);
        status.Node.Should().Be("n1");
        status.Volume!.Resolution.Should().Be("RunningPod");
        actions.OfType<ClaimDrive>().Single().PendingOperation!.Operation.Should().Be("Append");
    }

    [Test]
    public void A_drive_with_an_interrupted_operation_is_claimed_for_recovery_first()
    {
        var actions = BackupJobDecider.Decide(Fresh(change: o => o with
        {
            Cluster = o.Cluster with
            {
                Drives = [Build.Drive("td-0") with { Status = new TapeDriveStatus { Phase = DrivePhase.Available, PendingOperation = new PendingDriveOperation { Operation = "Append", Job = "apps/old", Epoch = 4, BackupId = "b-old", Segment = 2 } } }],
            },
        }));

        var operation = actions.OfType<ClaimDrive>().Single().PendingOperation!;
        operation.Operation.Should().Be("Recover");
        operation.BackupId.Should().Be("b-old");
        operation.Segment.Should().Be(2);
        operation.Job.Should().Be("apps/nightly");
        operation.Epoch.Should().Be(1);
    }

    [Test]
    public void Waiting_jobs_are_served_by_priority_then_age()
    {
        var older = new QueuedJob(new JobRef(BackupJob.KindValue, "apps", "urgent", "u1"), 5, Now.AddHours(-1), "n1", ["td-0"], 1);
        var actions = BackupJobDecider.Decide(Fresh(change: o => o with { Cluster = o.Cluster with { Queue = [older] } }));

        NewStatus(actions).Phase.Should().Be(BackupPhase.Waiting);
        JobConditions.Find(NewStatus(actions).Conditions, JobConditions.Ready)!.Reason.Should().Be(Reasons.WaitingForDrive);
        actions.OfType<ClaimDrive>().Should().BeEmpty();
    }

    [Test]
    public void A_full_node_makes_the_job_wait_for_a_stream_slot()
    {
        var actions = BackupJobDecider.Decide(Fresh(change: o => o with { Cluster = o.Cluster with { RunningPerNode = new Dictionary<string, int> { ["n1"] = 4 } } }));

        JobConditions.Find(NewStatus(actions).Conditions, JobConditions.Ready)!.Reason.Should().Be(Reasons.NodeBusy);
    }

    [Test]
    public void A_run_with_maxConcurrentPerNode_streams_on_the_node_waits_for_one_to_end()
    {
        var busy = new Dictionary<string, int> { ["n1"] = 2, ["n2"] = 5 };

        var full = BackupJobDecider.Decide(Fresh(j => j with { Spec = j.Spec with { MaxConcurrentPerNode = 2 } }, o => o with { RunRunningPerNode = busy }));
        var room = BackupJobDecider.Decide(Fresh(j => j with { Spec = j.Spec with { MaxConcurrentPerNode = 3 } }, o => o with { RunRunningPerNode = busy }));
        var parentsLimit = BackupJobDecider.Decide(Fresh(j => j with { Spec = j.Spec with { MaxConcurrentPerNode = 3 } }, o => o with { RunRunningPerNode = busy, RunMaxConcurrentPerNode = 1 }));

        var ready = JobConditions.Find(NewStatus(full).Conditions, JobConditions.Ready)!;
        ready.Reason.Should().Be(Reasons.NodeBusy);
        ready.Message.Should().Contain("maxConcurrentPerNode is 2");
        full.OfType<ClaimDrive>().Should().BeEmpty();
        NewStatus(room).Phase.Should().Be(BackupPhase.Running);
        NewStatus(room).Node.Should().Be("n1");
        NewStatus(parentsLimit).Phase.Should().Be(BackupPhase.Waiting, "a child job follows its run's limit");
    }

    [Test]
    public void Mirror_members_are_claimed_all_at_once_in_name_order()
    {
        var actions = BackupJobDecider.Decide(Fresh(
            j => j with { Spec = j.Spec with { Destination = new BackupDestination { Drives = ["td-1", "td-0"], Redundancy = new RedundancySpec { Mode = RedundancyMode.Mirror, Width = 2 } } } }));

        actions.OfType<ClaimDrive>().Select(c => (c.Drive, c.Holder.Member)).Should().Equal(("td-0", 0), ("td-1", 1));
    }

    [Test]
    public void An_idle_volume_gets_a_mounter_pod_when_the_spec_asks()
    {
        var actions = BackupJobDecider.Decide(Fresh(j => j with { Spec = j.Spec with { MountWhenIdle = true } }, o => o with { Pods = [] }));

        var pod = actions.OfType<CreateMounterPod>().Single().Pod;
        pod.Spec.NodeName.Should().Be("n1");
        pod.Spec.Volumes!.Single().PersistentVolumeClaim!.ClaimName.Should().Be("data");
        pod.Metadata.OwnerReferences!.Single().Kind.Should().Be(BackupJob.KindValue);
        JobConditions.Find(NewStatus(actions).Conditions, JobConditions.Ready)!.Reason.Should().Be(Reasons.MounterPodStarting);
    }

    [Test]
    public void Owner_resolution_falls_back_to_the_attachment_then_the_node_affinity()
    {
        var cluster = Build.Cluster([Build.Node("n1"), Build.Node("n2")], []);
        var query = new OwnerQuery { Namespace = "apps", ClaimName = "data", Claim = Build.Claim("data"), Volume = Build.Volume(pinnedTo: "n2") };

        OwnerResolver.Resolve(query with { Attachments = [Build.Attachment("n1")] }, cluster).Should().Match<OwnerResolution>(r => r.Node == "n1" && r.Resolution == "VolumeAttachment");
        OwnerResolver.Resolve(query, cluster).Should().Match<OwnerResolution>(r => r.Node == "n2" && r.Resolution == "NodeAffinity");
        OwnerResolver.Resolve(query with { Volume = Build.Volume() }, cluster).WaitReason.Should().Be(OwnerResolver.VolumeNotMounted);
    }

    [Test]
    public void A_shared_volume_goes_to_the_least_loaded_node_and_stays_where_it_runs()
    {
        var cluster = Build.Cluster([Build.Node("n1"), Build.Node("n2")], []) with { RunningPerNode = new Dictionary<string, int> { ["n1"] = 3, ["n2"] = 1 } };
        var query = new OwnerQuery { Namespace = "apps", ClaimName = "data", Claim = Build.Claim("data"), Pods = [Build.Pod("a", "n1"), Build.Pod("b", "n2")] };

        OwnerResolver.Resolve(query, cluster).Node.Should().Be("n2");
        OwnerResolver.Resolve(query with { PreferredNode = "n1" }, cluster).Node.Should().Be("n1");
    }
}
