using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>The operator's side of CSISnapshot mode: clone and helper for the current epoch, nothing left behind.</summary>
[TestFixture]
public sealed class SnapshotCloneDeciderTests
{
    private static BackupJob Job(BackupPhase phase = BackupPhase.Running, long epoch = 3, string? node = "n1", SnapshotMode mode = SnapshotMode.CSISnapshot)
    {
        var job = Build.Job(status: new BackupJobStatus { Phase = phase, Epoch = epoch, Node = node });
        return job with { Spec = job.Spec with { Source = job.Spec.Source with { Snapshot = new SnapshotSpec { Mode = mode, VolumeSnapshotClassName = "csi-snap" } } } };
    }

    private static PersistentVolumeClaim Source() => Build.Claim("data") with
    {
        Spec = new PersistentVolumeClaimSpec
        {
            VolumeName = "pv-data",
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = "fast",
            VolumeMode = "Filesystem",
            Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = "5Gi" } },
        },
    };

    private static VolumeSnapshot Snapshot(long epoch, bool ready, string job = "nightly", bool deleting = false) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = SnapshotClones.SnapshotName(job, epoch),
            Namespace = "apps",
            Labels = new Dictionary<string, string> { [SnapshotClones.SnapshotForLabel] = job, [SnapshotClones.EpochLabel] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            DeletionTimestamp = deleting ? Build.Epoch0 : null,
        },
        Spec = new VolumeSnapshotSpec { Source = new VolumeSnapshotSource { PersistentVolumeClaimName = "data" }, VolumeSnapshotClassName = "csi-snap" },
        Status = new VolumeSnapshotStatus { ReadyToUse = ready, RestoreSize = "5Gi" },
    };

    private static SnapshotCloneObservation Observe(BackupJob job, params VolumeSnapshot[] snapshots) => new()
    {
        Job = job,
        SourceClaim = Source(),
        Snapshots = snapshots,
        HelperImage = "pause:test",
    };

    /// <summary>What the operator would have created for <paramref name="epoch"/>, as the cluster would show it.</summary>
    private static (PersistentVolumeClaim Claim, Pod Pod) Existing(BackupJob job, long epoch, string node = "n1", string podPhase = "Running")
    {
        var decided = SnapshotCloneDecider.Decide(Observe(Job(epoch: epoch, node: node), Snapshot(epoch, true)));
        var claim = decided.OfType<CreateSnapshotClone>().Single().Claim;
        var pod = decided.OfType<CreateSnapshotHelper>().Single().Pod;
        return (claim, pod with { Status = new PodStatus { Phase = podPhase } });
    }

    [Test]
    public void Nothing_is_created_until_the_snapshot_of_the_current_epoch_is_ready()
    {
        SnapshotCloneDecider.Decide(Observe(Job())).Should().BeEmpty("the agent has not taken the snapshot yet");
        SnapshotCloneDecider.Decide(Observe(Job(), Snapshot(3, ready: false))).Should().BeEmpty("the snapshot is not readyToUse");
    }

    [Test]
    public void A_ready_snapshot_gets_a_clone_like_the_source_claim_and_a_read_only_helper_on_the_jobs_node()
    {
        var job = Job();
        var actions = SnapshotCloneDecider.Decide(Observe(job, Snapshot(3, ready: true)));

        actions.Should().HaveCount(3);
        var claim = actions[0].Should().BeOfType<CreateSnapshotClone>().Which.Claim;
        claim.Metadata.Name.Should().Be("spool-clone-nightly-e3");
        claim.Metadata.Namespace.Should().Be("apps");
        claim.Metadata.Labels.Should().Contain(SnapshotClones.CloneLabel, "nightly").And.Contain(SnapshotClones.EpochLabel, "3");
        claim.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(new OwnerReference
        {
            ApiVersion = SpoolGroup.ApiVersion, Kind = BackupJob.KindValue, Name = "nightly", Uid = job.Metadata.Uid!, Controller = true, BlockOwnerDeletion = true,
        });
        claim.Spec.DataSource.Should().BeEquivalentTo(new TypedLocalObjectReference { ApiGroup = "snapshot.storage.k8s.io", Kind = "VolumeSnapshot", Name = "spool-nightly-e3" });
        claim.Spec.StorageClassName.Should().Be("fast");
        claim.Spec.AccessModes.Should().Equal("ReadWriteOnce");
        claim.Spec.VolumeMode.Should().Be("Filesystem");
        claim.Spec.Resources!.Requests.Should().Contain("storage", "5Gi");
        claim.Spec.VolumeName.Should().BeNull("the clone is provisioned, not bound by name");

        var pod = actions[1].Should().BeOfType<CreateSnapshotHelper>().Which.Pod;
        pod.Metadata.Name.Should().Be("spool-clone-nightly-e3");
        pod.Metadata.Labels.Should().Contain(SnapshotClones.CloneLabel, "nightly").And.Contain(SnapshotClones.EpochLabel, "3");
        pod.Metadata.OwnerReferences.Should().ContainSingle().Which.Uid.Should().Be(job.Metadata.Uid);
        pod.Spec.NodeName.Should().Be("n1");
        pod.Spec.Containers.Should().ContainSingle().Which.Image.Should().Be("pause:test");
        pod.Spec.Containers[0].VolumeMounts.Should().ContainSingle().Which.ReadOnly.Should().BeTrue();
        pod.Spec.Volumes.Should().ContainSingle().Which.PersistentVolumeClaim.Should().BeEquivalentTo(new PersistentVolumeClaimVolumeSource { ClaimName = "spool-clone-nightly-e3", ReadOnly = true });

        var recorded = actions[2].Should().BeOfType<RecordEvent>().Which;
        recorded.Reason.Should().Be(SnapshotCloneDecider.SnapshotCloned);
        recorded.Regarding.Uid.Should().Be(job.Metadata.Uid);
        recorded.Message.Should().Contain("spool-nightly-e3").And.Contain("node n1");
    }

    [Test]
    public void An_existing_clone_and_helper_are_left_alone()
    {
        var (claim, pod) = Existing(Job(), 3);
        var observation = Observe(Job(), Snapshot(3, true)) with { CloneClaims = [claim], HelperPods = [pod] };

        SnapshotCloneDecider.Decide(observation).Should().BeEmpty();
    }

    [Test]
    public void A_new_epoch_deletes_the_old_helper_clone_and_snapshot_and_waits_for_its_own_snapshot()
    {
        var (claim, pod) = Existing(Job(), 3);
        var observation = Observe(Job(epoch: 4, node: "n2"), Snapshot(3, true)) with { CloneClaims = [claim], HelperPods = [pod] };

        SnapshotCloneDecider.Decide(observation).Should().Equal(
            new DeleteSnapshotObject(Build.Ref(Job()), SnapshotObjectKind.HelperPod, "apps", "spool-clone-nightly-e3"),
            new DeleteSnapshotObject(Build.Ref(Job()), SnapshotObjectKind.CloneClaim, "apps", "spool-clone-nightly-e3"),
            new DeleteSnapshotObject(Build.Ref(Job()), SnapshotObjectKind.VolumeSnapshot, "apps", "spool-nightly-e3"));
    }

    [Test]
    public void A_new_epoch_with_its_snapshot_ready_cleans_up_the_old_one_and_clones_the_new_one_on_the_new_node()
    {
        var (claim, pod) = Existing(Job(), 3);
        var observation = Observe(Job(epoch: 4, node: "n2"), Snapshot(3, true), Snapshot(4, true)) with { CloneClaims = [claim], HelperPods = [pod] };

        var actions = SnapshotCloneDecider.Decide(observation);

        actions.OfType<DeleteSnapshotObject>().Select(d => d.Name).Should().BeEquivalentTo("spool-clone-nightly-e3", "spool-clone-nightly-e3", "spool-nightly-e3");
        actions.OfType<CreateSnapshotClone>().Single().Claim.Spec.DataSource!.Name.Should().Be("spool-nightly-e4");
        actions.OfType<CreateSnapshotHelper>().Single().Pod.Spec.NodeName.Should().Be("n2");
        actions.OfType<RecordEvent>().Should().ContainSingle().Which.Message.Should().Contain("epoch 4");
    }

    [TestCase(BackupPhase.Succeeded)]
    [TestCase(BackupPhase.Failed)]
    [TestCase(BackupPhase.PartiallySucceeded)]
    [TestCase(BackupPhase.Pending)]
    public void A_job_that_is_not_running_keeps_nothing(BackupPhase phase)
    {
        var (claim, pod) = Existing(Job(), 3);
        var observation = Observe(Job(phase: phase), Snapshot(3, true)) with { CloneClaims = [claim], HelperPods = [pod] };

        SnapshotCloneDecider.Decide(observation).Should().AllBeOfType<DeleteSnapshotObject>()
            .And.HaveCount(3, "helper pod, clone claim and snapshot all go");
    }

    [Test]
    public void A_deleted_job_keeps_nothing()
    {
        var job = Job();
        job = job with { Metadata = job.Metadata with { DeletionTimestamp = Build.Epoch0 } };
        var (claim, pod) = Existing(Job(), 3);

        SnapshotCloneDecider.Decide(Observe(job, Snapshot(3, true)) with { CloneClaims = [claim], HelperPods = [pod] })
            .Should().HaveCount(3).And.AllBeOfType<DeleteSnapshotObject>();
    }

    [Test]
    public void Objects_already_being_deleted_are_not_deleted_again_nor_recreated()
    {
        var (claim, pod) = Existing(Job(), 3);
        claim = claim with { Metadata = claim.Metadata with { DeletionTimestamp = Build.Epoch0 } };
        pod = pod with { Metadata = pod.Metadata with { DeletionTimestamp = Build.Epoch0 } };

        SnapshotCloneDecider.Decide(Observe(Job(phase: BackupPhase.Succeeded), Snapshot(3, true, deleting: true)) with { CloneClaims = [claim], HelperPods = [pod] })
            .Should().BeEmpty();
        SnapshotCloneDecider.Decide(Observe(Job(), Snapshot(3, true)) with { CloneClaims = [claim], HelperPods = [pod] })
            .Should().BeEmpty("the terminating ones still hold the names; the next pass recreates them");
    }

    [Test]
    public void A_helper_that_ended_is_deleted_so_that_the_next_pass_starts_a_new_one()
    {
        var (claim, pod) = Existing(Job(), 3, podPhase: "Failed");

        SnapshotCloneDecider.Decide(Observe(Job(), Snapshot(3, true)) with { CloneClaims = [claim], HelperPods = [pod] })
            .Should().Equal(new DeleteSnapshotObject(Build.Ref(Job()), SnapshotObjectKind.HelperPod, "apps", "spool-clone-nightly-e3"));
    }

    [Test]
    public void A_snapshot_of_a_later_epoch_than_observed_is_left_alone()
    {
        // Only a stale cache shows the agent ahead of the operator's own epoch write.
        SnapshotCloneDecider.Decide(Observe(Job(epoch: 3), Snapshot(4, true))).Should().BeEmpty();
    }

    [Test]
    public void Objects_of_other_jobs_or_namespaces_are_never_touched()
    {
        var other = Snapshot(1, true, job: "weekly");
        var elsewhere = Snapshot(1, true) with { Metadata = Snapshot(1, true).Metadata with { Namespace = "other" } };

        SnapshotCloneDecider.Decide(Observe(Job(phase: BackupPhase.Succeeded), other, elsewhere)).Should().BeEmpty();
    }

    [Test]
    public void A_live_mode_job_gets_no_clone()
    {
        SnapshotCloneDecider.Decide(Observe(Job(mode: SnapshotMode.Live), Snapshot(3, true)))
            .Should().ContainSingle().Which.Should().BeOfType<DeleteSnapshotObject>("a snapshot labelled for a Live job has no reader");
    }

    [Test]
    public void Clone_names_keep_the_epoch_when_the_job_name_is_long()
    {
        var name = SnapshotClones.CloneName(new string('a', 80), 12345);

        name.Should().HaveLength(63).And.EndWith("-e12345");
        SnapshotClones.CloneName(new string('a', 80), 12346).Should().NotBe(name);
    }

    [Test]
    public void The_backup_decider_adds_the_clone_to_a_running_csi_snapshot_job_and_refuses_the_mode_when_snapshots_are_off()
    {
        var job = Job() with { Metadata = Job().Metadata with { Finalizers = [SpoolGroup.Finalizer], Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = "n1" } } };
        job = job with { Status = job.Status! with { Drives = [new HeldDrive { Name = "td-0" }], Attempts = [new Attempt { Epoch = 3, Node = "n1", StartTime = Build.Epoch0 }] } };
        var observation = new BackupJobObservation
        {
            Job = job,
            Claim = Source(),
            Volume = Build.Volume(),
            Pods = [Build.Pod("app-0", "n1")],
            Snapshots = [Snapshot(3, true)],
            Cluster = Build.Cluster([Build.Node("n1")], [Build.Drive("td-0", holder: Build.Holder(job, 3, "n1")), Build.Drive("td-1")], leases: [Build.AgentLease("n1", Build.Epoch0)]),
        };

        var actions = BackupJobDecider.Decide(observation);
        actions.OfType<CreateSnapshotClone>().Should().ContainSingle();
        actions.OfType<CreateSnapshotHelper>().Should().ContainSingle().Which.Pod.Spec.NodeName.Should().Be("n1");

        var off = observation with { Job = Build.Job() with { Spec = job.Spec }, Cluster = observation.Cluster with { Settings = new OperatorSettings { CsiSnapshots = false } } };
        BackupJobDecider.Validate(off)?.Reason.Should().Be(BackupJobDecider.SnapshotsDisabled);
        BackupJobDecider.Validate(off).Should().NotBeNull();
    }
}
