using FsCheck;
using FsCheck.Fluent;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>
/// The restore decision: resolving the backup, placing the restore where the target is mounted now (or on the named
/// node), claiming only the backup's drives without touching their operation log, and converging.
/// </summary>
[TestFixture]
public sealed class RestoreJobDeciderTests
{
    private static readonly DateTimeOffset Now = Build.Epoch0;

    private static BackupJob Backup(string name = "nightly", IReadOnlyList<string>? drives = null, RedundancyMode redundancy = RedundancyMode.None, BackupPhase phase = BackupPhase.Succeeded) =>
        Build.Job(name) with
        {
            Status = new BackupJobStatus
            {
                Phase = phase,
                CompletionTime = Now.AddHours(-1),
                Catalog = phase == BackupPhase.Succeeded ? new CatalogLocation { BackupId = "b-" + name, Drives = drives ?? ["td-0"], Redundancy = redundancy, Bytes = 100 } : null,
            },
        };

    private static RestoreJob Restore(RestoreTarget? target = null, RestorePlacement? placement = null, RestoreJobStatus? status = null, string source = "nightly") => new()
    {
        Metadata = new ObjectMeta { Name = "undo", Namespace = "apps", Uid = "fedcba9876543210-undo", Generation = 1, ResourceVersion = "200", CreationTimestamp = Now.AddMinutes(-1) },
        Spec = new RestoreJobSpec
        {
            Source = new RestoreSource { BackupJob = source },
            Target = target ?? new RestoreTarget { PersistentVolumeClaim = "data" },
            Placement = placement,
        },
        Status = status,
    };

    private static RestoreJobObservation Observe(RestoreJob job, IReadOnlyList<BackupJob>? backups = null, IReadOnlyList<Pod>? pods = null, IReadOnlyList<TapeDrive>? drives = null, IReadOnlyList<Node>? nodes = null) => new()
    {
        Job = job,
        Backups = backups ?? [Backup()],
        Claim = Build.Claim("data"),
        Volume = Build.Volume(),
        Pods = pods ?? [Build.Pod("app-0", "n2")],
        Cluster = Build.Cluster(nodes ?? [Build.Node("n1"), Build.Node("n2"), Build.Node("n3")], drives ?? [Build.Drive("td-0"), Build.Drive("td-1")]),
    };

    private static RestoreJobStatus Written(IReadOnlyList<OperatorAction> actions) => actions.OfType<UpdateRestoreJobStatus>().Single().Status;

    [Test]
    public void A_restore_runs_where_its_target_claim_is_mounted_now_and_holds_the_backup_s_drive()
    {
        var actions = RestoreJobDecider.Decide(Observe(Restore()));

        var status = Written(actions);
        status.Phase.Should().Be(RestorePhase.Running);
        status.Node.Should().Be("n2");
        status.Epoch.Should().Be(1);
        status.Backup!.BackupId.Should().Be("b-nightly");
        status.Target!.Resolution.Should().Be("RunningPod");
        var claim = actions.OfType<ClaimDrive>().Single();
        claim.Drive.Should().Be("td-0");
        claim.Holder.Should().Match<DriveHolder>(h => h.Kind == RestoreJob.KindValue && h.Job == "apps/undo" && h.Node == "n2" && h.Epoch == 1);
        claim.PendingOperation.Should().BeNull("a restore only reads and never starts a drive operation");
    }

    [Test]
    public void A_named_node_or_a_node_path_places_the_restore_there_whatever_mounts_the_claim()
    {
        Written(RestoreJobDecider.Decide(Observe(Restore(placement: new RestorePlacement { Mode = RestorePlacementMode.Node, NodeName = "n3" })))).Node.Should().Be("n3");
        Written(RestoreJobDecider.Decide(Observe(Restore(target: new RestoreTarget { NodePath = new NodePathTarget { Node = "n1", Path = "/srv/restore" } })))).Node.Should().Be("n1");
    }

    [Test]
    public void A_target_nothing_mounts_is_mounted_on_the_placement_s_node_when_one_is_named_and_waits_while_that_node_cannot_run_it()
    {
        var named = RestoreJobDecider.Decide(Observe(Restore(placement: new RestorePlacement { NodeName = "n3" }), pods: []));
        named.OfType<CreateMounterPod>().Single().Pod.Spec.NodeName.Should().Be("n3");

        var any = RestoreJobDecider.Decide(Observe(Restore(), pods: []));
        any.OfType<CreateMounterPod>().Single().Pod.Spec.NodeName.Should().Be("n1", "without a named node the least loaded node that reaches the drives");

        var down = RestoreJobDecider.Decide(Observe(Restore(placement: new RestorePlacement { NodeName = "n3" }), pods: [], nodes: [Build.Node("n1"), Build.Node("n2"), Build.Node("n3", ready: false)]));
        down.OfType<CreateMounterPod>().Should().BeEmpty("the mounter goes to the named node or nowhere");
        var ready = JobConditions.Find(Written(down).Conditions, JobConditions.Ready)!;
        ready.Reason.Should().Be(Reasons.NoNodeForMounter);
        ready.Message.Should().Contain("node n3");
    }

    [TestCase("missing", RestoreJobDecider.BackupNotFound, true)]
    [TestCase("running", RestoreJobDecider.BackupNotComplete, false)]
    [TestCase("node mode without a node", BackupJobDecider.InvalidSpec, true)]
    [TestCase("two targets", BackupJobDecider.InvalidSpec, true)]
    public void A_restore_that_cannot_start_waits_with_the_reason(string what, string reason, bool stalled)
    {
        var observation = what switch
        {
            "missing" => Observe(Restore(source: "nope")),
            "running" => Observe(Restore(), backups: [Backup(phase: BackupPhase.Running)]),
            "node mode without a node" => Observe(Restore(placement: new RestorePlacement { Mode = RestorePlacementMode.Node })),
            _ => Observe(Restore(target: new RestoreTarget { PersistentVolumeClaim = "data", NodePath = new NodePathTarget { Node = "n1", Path = "/x" } })),
        };

        var actions = RestoreJobDecider.Decide(observation);

        var status = Written(actions);
        status.Phase.Should().Be(RestorePhase.Waiting);
        var ready = JobConditions.Find(status.Conditions, JobConditions.Ready)!;
        ready.Reason.Should().Be(reason);
        (JobConditions.Find(status.Conditions, JobConditions.Stalled)?.Status == ConditionStatus.True).Should().Be(stalled);
        actions.OfType<ClaimDrive>().Should().BeEmpty();
    }

    [Test]
    public void A_new_claim_is_created_and_the_restore_waits_for_it()
    {
        var job = Restore(target: new RestoreTarget { NewClaim = new NewClaimTemplate { Name = "copy", Size = "2Gi" } });

        var actions = RestoreJobDecider.Decide(Observe(job) with { Claim = null, Volume = null, Pods = [] });

        actions.OfType<CreateClaim>().Single().Claim.Should().Match<PersistentVolumeClaim>(c => c.Metadata.Name == "copy" && c.Spec.Resources!.Requests!["storage"] == "2Gi");
        JobConditions.Find(Written(actions).Conditions, JobConditions.Ready)!.Reason.Should().Be(RestoreJobDecider.ClaimCreating);
    }

    [Test]
    public void A_mirrored_backup_needs_one_copy_and_a_parity_backup_every_member_but_one()
    {
        var cluster = Build.Cluster([Build.Node("n1")], [Build.Drive("td-0"), Build.Drive("td-1"), Build.Drive("td-2", phase: DrivePhase.Failed)]);

        RestoreJobDecider.Demand(new CatalogLocation { Drives = ["td-0", "td-1"], Redundancy = RedundancyMode.Mirror }, cluster).Count.Should().Be(1);
        RestoreJobDecider.Demand(new CatalogLocation { Drives = ["td-0", "td-1", "td-2"], Redundancy = RedundancyMode.Parity }, cluster).Count.Should().Be(2);
        RestoreJobDecider.Demand(new CatalogLocation { Drives = ["td-0", "td-1"] }, cluster).Count.Should().Be(2);
        RestoreJobDecider.Demand(new CatalogLocation { Drives = ["td-0", "td-9"] }, cluster).Problem!.Value.Reason.Should().Be(DriveDemands.DriveNotFound);
    }

    [Test]
    public void The_latest_successful_backup_of_a_claim_before_a_time_is_the_source()
    {
        var older = Backup("a") with { Status = Backup("a").Status! with { CompletionTime = Now.AddDays(-2) } };
        var newer = Backup("b") with { Status = Backup("b").Status! with { CompletionTime = Now.AddHours(-1) } };

        RestoreJobDecider.ResolveSource(new RestoreSource { PersistentVolumeClaim = "data" }, [older, newer]).Catalog!.BackupId.Should().Be("b-b");
        RestoreJobDecider.ResolveSource(new RestoreSource { PersistentVolumeClaim = "data", Before = Now.AddDays(-1) }, [older, newer]).Catalog!.BackupId.Should().Be("b-a");
        RestoreJobDecider.ResolveSource(new RestoreSource { PersistentVolumeClaim = "data", Before = Now.AddDays(-3) }, [older, newer]).Reason.Should().Be(RestoreJobDecider.BackupNotFound);
    }

    // ---- properties ----------------------------------------------------------------------------------------

    private static Arbitrary<int[]> Choices => Gen.ArrayOf(Gen.Choose(0, 9999)).ToArbitrary();

    /// <summary>
    /// Random but well-formed: nodes (Ready or not, with or without a fresh agent Lease), the backup's drives (free,
    /// held by another job or by this restore, offline, Failed, reachable from some nodes), its redundancy, pods
    /// mounting the target, the placement mode, and the restore in any phase.
    /// </summary>
    private static RestoreJobObservation Random(int[] choices)
    {
        var next = 0;
        int Pick(int n) => choices.Length == 0 ? 0 : Math.Abs(choices[next++ % choices.Length] + (next / choices.Length)) % n;
        bool Chance(int percent) => Pick(100) < percent;

        var nodeCount = 1 + Pick(3);
        var nodes = Enumerable.Range(0, nodeCount).Select(i => Build.Node("n" + i, ready: Chance(85))).ToList();
        var leases = nodes.Where(_ => Chance(85)).Select(n => Build.AgentLease(n.Metadata.Name!, Now.AddSeconds(-1))).ToList();
        var driveNames = Enumerable.Range(0, 1 + Pick(3)).Select(i => "td-" + i).ToList();
        var redundancy = Pick(3) switch { 0 => RedundancyMode.Mirror, 1 when driveNames.Count >= 3 => RedundancyMode.Parity, _ => RedundancyMode.None };
        var me = new JobRef(RestoreJob.KindValue, "apps", "undo", "fedcba9876543210-undo");
        var phase = Pick(6) switch { 0 => (RestorePhase?)null, 1 => RestorePhase.Waiting, 2 => RestorePhase.Succeeded, _ => RestorePhase.Running };
        var epoch = 1L + Pick(3);
        var runningNode = "n" + Pick(nodeCount);
        var drives = new List<TapeDrive>();
        foreach (var name in driveNames)
        {
            DriveHolder? holder = Pick(5) switch
            {
                0 => Build.Holder(Build.Job("other"), 1, "n" + Pick(nodeCount)),
                1 or 2 when phase == RestorePhase.Running => new DriveHolder { Job = me.Key, Kind = me.Kind, JobUid = me.Uid, Epoch = epoch, Node = runningNode, Since = Now.AddMinutes(-1) },
                _ => null,
            };
            var reach = Chance(30) ? nodes.Where(_ => Chance(60)).Select(n => n.Metadata.Name!).ToList() : null;
            var drive = Build.Drive(name, nodes: reach, offline: Chance(8), holder: holder, phase: Chance(8) ? DrivePhase.Failed : null);
            drive = drive with { Status = drive.Status! with { PendingOperation = Chance(30) ? new PendingDriveOperation { Operation = "Append", Job = "apps/nightly", Epoch = 1, Node = "n0", BackupId = "b-nightly", Segment = 0 } : null } };
            drives.Add(drive);
        }

        var held = drives.Where(d => d.Status?.Holder?.Job == me.Key).Select((d, i) => new HeldDrive { Name = d.Metadata.Name!, Member = i }).ToList();
        var running = phase == RestorePhase.Running;
        var catalog = new CatalogLocation { BackupId = "b-nightly", Drives = driveNames, Redundancy = redundancy, Bytes = 100 };
        var status = phase is null ? null : new RestoreJobStatus
        {
            Phase = phase,
            Epoch = running ? epoch : Pick(2),
            Node = running ? runningNode : null,
            Backup = catalog,
            Drives = running ? held : null,
            Attempts = running ? [new Attempt { Epoch = epoch, Node = runningNode, StartTime = Now.AddMinutes(-1) }] : null,
            StartTime = running ? Now.AddMinutes(-1) : null,
            Report = running && Chance(20) ? new AgentReport { Epoch = epoch, Node = runningNode, Outcome = Chance(50) ? "Completed" : "HandedBack" } : null,
            ObservedGeneration = 1,
        };
        var placement = Pick(4) == 0 ? new RestorePlacement { Mode = RestorePlacementMode.Node, NodeName = "n" + Pick(nodeCount) } : null;
        var job = Restore(placement: placement, status: status);
        job = job with
        {
            Metadata = job.Metadata with
            {
                Finalizers = phase is null || Chance(20) ? null : [SpoolGroup.Finalizer],
                Labels = running && Chance(80) ? new Dictionary<string, string> { [SpoolGroup.NodeLabel] = runningNode } : null,
            },
        };
        var pods = Enumerable.Range(0, Pick(3)).Select(p => Build.Pod("app-" + p, "n" + Pick(nodeCount), phase: Chance(80) ? "Running" : "Pending")).ToList();
        return new RestoreJobObservation
        {
            Job = job,
            Backups = [Backup(drives: driveNames, redundancy: redundancy)],
            Claim = Build.Claim("data"),
            Volume = Build.Volume(),
            Pods = pods,
            Cluster = new ClusterSnapshot
            {
                Nodes = nodes,
                AgentLeases = leases,
                Drives = drives,
                RunningPerNode = nodes.ToDictionary(n => n.Metadata.Name!, _ => Pick(3)),
                Now = Now,
                Settings = new OperatorSettings { MaxStreamsPerNode = 2 + Pick(2) },
            },
        };
    }

    /// <summary>Applies the actions as the API server would, with resourceVersion preconditions; a conflict ends the decision.</summary>
    private static RestoreJobObservation Apply(RestoreJobObservation observation, IReadOnlyList<OperatorAction> actions)
    {
        var job = observation.Job;
        var drives = observation.Cluster.Drives.ToDictionary(d => d.Metadata.Name!, StringComparer.Ordinal);
        var pods = observation.Pods.ToList();
        var version = 1000;
        string Next() => (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var jobVersions = new HashSet<string?> { job.Metadata.ResourceVersion };
        var driveVersions = drives.ToDictionary(d => d.Key, d => new HashSet<string?> { d.Value.Metadata.ResourceVersion }, StringComparer.Ordinal);
        foreach (var action in actions)
        {
            switch (action)
            {
                case ClaimDrive claim:
                    driveVersions[claim.Drive].Should().Contain(claim.ExpectedResourceVersion);
                    drives[claim.Drive] = ActionEffects.Claim(drives[claim.Drive], claim, Now) with { };
                    break;
                case ReleaseDrive release:
                    driveVersions[release.Drive].Should().Contain(release.ExpectedResourceVersion);
                    drives[release.Drive] = ActionEffects.Release(drives[release.Drive], release, Now) ?? drives[release.Drive];
                    break;
                case UpdateRestoreJobStatus update:
                    jobVersions.Should().Contain(update.ExpectedResourceVersion);
                    job = job with { Status = update.Status };
                    break;
                case AddFinalizer or RemoveFinalizer or SetNodeLabel:
                    job = job with { Metadata = ActionEffects.Apply(job.Metadata, action) };
                    break;
                case CreateMounterPod create when pods.All(p => p.Metadata.Name != create.Pod.Metadata.Name):
                    pods.Add(create.Pod with { Metadata = create.Pod.Metadata with { Uid = "uid-" + create.Pod.Metadata.Name }, Status = new PodStatus { Phase = "Pending" } });
                    break;
                case DeleteMounterPod delete:
                    pods.RemoveAll(p => p.Metadata.Name == delete.Name);
                    break;
                case CreateClaim or CreateMounterPod or RecordEvent or RecordFailover or RequeueAfter:
                    break;
                default:
                    throw new InvalidOperationException($"no simulation for {action.GetType().Name}");
            }

            // Our own writes move the resourceVersion; later actions of the same decision may still carry the one they read.
            var v = Next();
            job = job with { Metadata = job.Metadata with { ResourceVersion = v } };
            jobVersions.Add(v);
            foreach (var name in drives.Keys.ToList())
            {
                var dv = Next();
                drives[name] = drives[name] with { Metadata = drives[name].Metadata with { ResourceVersion = dv } };
                driveVersions[name].Add(dv);
            }
        }

        return observation with
        {
            Job = Simulation.RoundTrip(job),
            Pods = pods,
            Cluster = observation.Cluster with { Drives = observation.Cluster.Drives.Select(d => Simulation.RoundTrip(drives[d.Metadata.Name!])).ToList() },
        };
    }

    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property A_restore_claims_only_free_usable_drives_of_its_backup_that_reach_its_node_and_never_touches_their_operation_log() => Prop.ForAll(Choices, choices =>
    {
        var observation = Random(choices);
        var actions = RestoreJobDecider.Decide(observation);
        var me = RestoreJobDecider.RefOf(observation.Job);
        var claims = actions.OfType<ClaimDrive>().ToList();
        claims.Select(c => c.Drive).Should().OnlyHaveUniqueItems();
        foreach (var claim in claims)
        {
            var drive = observation.Cluster.FindDrive(claim.Drive)!;
            observation.Backups[0].Status!.Catalog!.Drives.Should().Contain(claim.Drive);
            DriveArbiter.IsFreeFor(drive, me).Should().BeTrue("at most one holder per drive");
            DriveArbiter.IsUsable(drive).Should().BeTrue();
            DriveArbiter.Reaches(drive, observation.Cluster.FindNode(claim.Holder.Node)).Should().BeTrue();
            claim.PendingOperation.Should().BeEquivalentTo(drive.Status?.PendingOperation);
        }
    });

    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property A_running_restore_is_on_the_healthy_owner_of_its_target_and_holds_its_drives_there() => Prop.ForAll(Choices, choices =>
    {
        var observation = Random(choices);
        var after = Apply(observation, RestoreJobDecider.Decide(observation));
        var status = after.Job.Status;
        if (status?.Phase != RestorePhase.Running)
        {
            return;
        }

        var expected = observation.Job.Spec.Placement is { Mode: RestorePlacementMode.Node, NodeName: { } named }
            ? named
            : OwnerResolver.Resolve(
                new OwnerQuery { Namespace = "apps", ClaimName = "data", Claim = after.Claim, Volume = after.Volume, Pods = after.Pods, PreferredNode = status.Node, MounterPod = MounterPods.NameFor(RestoreJobDecider.RefOf(after.Job)) },
                after.Cluster).Node;
        status.Node.Should().Be(expected);
        NodeHealth.Check(after.Cluster, status.Node!).Should().BeNull();
        var me = RestoreJobDecider.RefOf(after.Job);
        foreach (var held in status.Drives!.Where(d => d.State == "Active"))
        {
            var drive = after.Cluster.FindDrive(held.Name)!;
            DriveArbiter.IsHeldBy(drive, me).Should().BeTrue();
            drive.Status!.Holder!.Epoch.Should().Be(status.Epoch);
            drive.Status.Holder.Node.Should().Be(status.Node);
        }

        after.Cluster.Drives.Count(d => d.Status?.Holder?.Job == me.Key).Should().Be(status.Drives!.Count(d => d.State == "Active"));
    });

    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property Deciding_again_after_the_actions_are_applied_yields_nothing() => Prop.ForAll(Choices, choices =>
    {
        var observation = Random(choices);
        var first = RestoreJobDecider.Decide(observation);
        var second = RestoreJobDecider.Decide(Apply(observation, first));
        second.Where(a => a is not RequeueAfter).Should().BeEmpty("the first decision [{0}] should have left nothing to do", string.Join(", ", first.Select(a => a.GetType().Name)));
    });
}
