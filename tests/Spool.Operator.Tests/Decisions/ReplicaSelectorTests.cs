using FsCheck;
using FsCheck.Fluent;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>The replica choice as a pure function, and its wiring into the BackupJob decision.</summary>
[TestFixture]
public sealed class ReplicaSelectorTests
{
    private const string Lag = "spool.dev/replication-lag-seconds";

    private static readonly ClusterSnapshot Cluster = Build.Cluster([Build.Node("n1"), Build.Node("n2"), Build.Node("n3")], [Build.Drive("td-0")]);

    private static Pod Replica(string name, string node, string role, string? lag, string? controller = "sts-uid", IReadOnlyDictionary<string, string>? labels = null, string phase = "Running")
    {
        var pod = Build.Pod(name, node, claim: "data-" + name, phase: phase);
        var all = new Dictionary<string, string>(labels ?? new Dictionary<string, string> { ["app"] = "db" }) { ["role"] = role };
        return pod with
        {
            Metadata = pod.Metadata with
            {
                Labels = all,
                Annotations = lag is null ? null : new Dictionary<string, string> { [Lag] = lag },
                OwnerReferences = controller is null ? null : [new OwnerReference { Kind = "StatefulSet", Name = "db", Uid = controller, Controller = true }],
            },
        };
    }

    private static IReadOnlyList<Pod> Workload(string? lag1 = "2", string? lag2 = "5") =>
        [Replica("db-0", "n1", "primary", null), Replica("db-1", "n2", "replica", lag1), Replica("db-2", "n3", "replica", lag2)];

    private static ReplicaQuery Query(IReadOnlyList<Pod> pods, ReplicaPolicy policy = ReplicaPolicy.PreferSecondary, ReplicaPolicySpec? spec = null) => new()
    {
        Namespace = "apps",
        ClaimName = "data-db-0",
        Policy = (spec ?? new ReplicaPolicySpec()) with { Policy = policy },
        Pods = pods,
    };

    [Test]
    public void A_secondary_on_a_node_that_is_not_ready_is_not_healthy()
    {
        var cluster = Cluster with { Nodes = [Build.Node("n1"), Build.Node("n2", ready: false), Build.Node("n3")] };

        var choice = ReplicaSelector.Choose(Query(Workload(lag1: "1", lag2: "9")), cluster);

        choice.Pod.Should().Be("db-2");
        choice.Role.Should().Be(ReplicaChoice.Secondary);
    }

    [Test]
    public void A_named_health_condition_must_be_true()
    {
        var pods = Workload(lag1: "1", lag2: "9").Select(p => p.Metadata.Name == "db-2"
            ? p with { Status = p.Status! with { Conditions = [new Condition { Type = "Replicating", Status = "True" }] } }
            : p).ToList();

        var choice = ReplicaSelector.Choose(Query(pods, spec: new ReplicaPolicySpec { HealthyCondition = "Replicating" }), Cluster);

        choice.Pod.Should().Be("db-2", "db-1 has the lower lag but no Replicating condition");
    }

    [Test]
    public void A_lag_that_is_not_a_number_is_not_healthy_and_a_trailing_s_is_accepted()
    {
        var choice = ReplicaSelector.Choose(Query(Workload(lag1: "soon", lag2: "7s"), ReplicaPolicy.SecondaryOnly), Cluster);

        choice.Pod.Should().Be("db-2");
        ReplicaSelector.Choose(Query(Workload(lag1: "soon", lag2: "-1"), ReplicaPolicy.SecondaryOnly), Cluster)
            .Should().Match<ReplicaChoice>(c => c.FailReason == ReplicaSelector.NoHealthySecondary && c.Reason.Contains("is not a number of seconds: \"soon\""));
    }

    [Test]
    public void Two_pods_labelled_primary_make_the_primary_unusable()
    {
        var pods = Workload().Append(Replica("db-3", "n3", "primary", null)).ToList();

        ReplicaSelector.Choose(Query(pods, ReplicaPolicy.PrimaryOnly), Cluster)
            .Should().Match<ReplicaChoice>(c => c.FailReason == ReplicaSelector.PrimaryUnavailable && c.Reason.Contains("2 pods are labelled role=primary"));
    }

    [Test]
    public void Pods_of_another_controller_are_not_replicas_and_without_a_controller_the_labels_group_them()
    {
        var other = Replica("other-1", "n2", "replica", "0", controller: "other-uid");
        ReplicaSelector.Choose(Query([.. Workload(lag1: "50", lag2: "60"), other]), Cluster).Role.Should().Be(ReplicaChoice.Primary);

        var loose = new[]
        {
            Replica("db-0", "n1", "primary", null, controller: null),
            Replica("db-1", "n2", "replica", "3", controller: null),
            Replica("web-1", "n3", "replica", "0", controller: null, labels: new Dictionary<string, string> { ["app"] = "web" }),
        };
        ReplicaSelector.Choose(Query(loose), Cluster).Pod.Should().Be("db-1");
    }

    [Test]
    public void Without_a_pod_that_mounts_the_claim_the_job_waits()
    {
        var choice = ReplicaSelector.Choose(Query([Replica("db-1", "n2", "replica", "1")]), Cluster);

        choice.Chosen.Should().BeFalse();
        choice.WaitReason.Should().Be(OwnerResolver.VolumeNotMounted);
        choice.FailReason.Should().BeNull();
    }

    [Test]
    public void A_job_that_was_assigned_keeps_its_replica_whatever_the_lag_says_now()
    {
        var pinned = new ResolvedVolume { PersistentVolumeClaim = "data-db-1", Pod = "db-1", ReplicaRole = ReplicaChoice.Secondary, ReplicaReason = "secondary db-1 is healthy" };

        var choice = ReplicaSelector.Choose(Query(Workload(lag1: "900"), ReplicaPolicy.SecondaryOnly) with { Pinned = pinned, Assigned = true }, Cluster);

        choice.Claim.Should().Be("data-db-1");
        choice.Role.Should().Be(ReplicaChoice.Secondary);
        ReplicaSelector.Choose(Query(Workload(lag1: "900")) with { Pinned = pinned, Assigned = false }, Cluster).Pod.Should().Be("db-2", "a job not yet assigned chooses again");
    }

    [Test]
    public void The_decision_reads_the_chosen_replica_s_claim_and_records_why()
    {
        var job = Build.Job(claim: "data-db-0", drives: ["td-0"]);
        job = job with { Spec = job.Spec with { Source = job.Spec.Source with { Replica = new ReplicaPolicySpec() } } };
        var pods = Workload(lag1: "12", lag2: "3");
        var observation = new BackupJobObservation
        {
            Job = job,
            Claim = Build.Claim("data-db-0", "pv-db-0"),
            Volume = Build.Volume("pv-db-0"),
            Pods = [pods[0]],
            NamespacePods = pods,
            ReplicaClaims = [Build.Claim("data-db-0", "pv-db-0"), Build.Claim("data-db-1", "pv-db-1"), Build.Claim("data-db-2", "pv-db-2")],
            ReplicaVolumes = [Build.Volume("pv-db-0"), Build.Volume("pv-db-1"), Build.Volume("pv-db-2")],
            Cluster = Cluster,
        };

        var status = BackupJobDecider.Decide(observation).OfType<UpdateBackupJobStatus>().Single().Status;

        status.Phase.Should().Be(BackupPhase.Running);
        status.Node.Should().Be("n3");
        status.Volume.Should().BeEquivalentTo(new ResolvedVolume
        {
            Namespace = "apps",
            PersistentVolumeClaim = "data-db-2",
            PersistentVolume = "pv-db-2",
            Pod = "db-2",
            PodUid = "uid-db-2",
            Node = "n3",
            Resolution = "RunningPod",
            ReplicaRole = ReplicaChoice.Secondary,
            ReplicaReason = "secondary db-2 is healthy (lag 3s, at most 30s)",
        });
    }

    private static Arbitrary<(int Policy, int[] Lags, int Load, int Max, bool PrimaryRunning)> Worlds =>
        (from policy in Gen.Choose(0, 3)
         from lags in Gen.ArrayOf(Gen.Choose(-1, 60), 3)
         from load in Gen.Choose(-1, 100)
         from max in Gen.Choose(0, 100)
         from running in Gen.Elements(true, false)
         select (policy, lags, load, max, running)).ToArbitrary();

    /// <summary>
    /// Whatever the lags (-1: no annotation), the primary's load (-1: no annotation) and whether it runs: a chosen
    /// secondary is healthy with the least lag, a chosen primary is usable, each is chosen only where the policy allows,
    /// and the job fails only when no replica the policy allows is usable.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property The_choice_follows_the_policy() => Prop.ForAll(Worlds, world =>
    {
        var policy = (ReplicaPolicy)world.Policy;
        var spec = new ReplicaPolicySpec { Policy = policy, MaxLagSeconds = 30, MaxPrimaryLoad = world.Max / 100.0 };
        var pods = new List<Pod> { Replica("db-0", "n1", "primary", null, phase: world.PrimaryRunning ? "Running" : "Pending") };
        for (var i = 0; i < world.Lags.Length; i++)
        {
            pods.Add(Replica($"db-{i + 1}", $"n{(i % 3) + 1}", "replica", world.Lags[i] < 0 ? null : world.Lags[i].ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var n1 = Build.Node("n1");
        if (world.Load >= 0)
        {
            n1 = n1 with { Metadata = n1.Metadata with { Annotations = new Dictionary<string, string> { [spec.NodeLoadAnnotation] = (world.Load / 100.0).ToString(System.Globalization.CultureInfo.InvariantCulture) } } };
        }

        var cluster = Cluster with { Nodes = [n1, Build.Node("n2"), Build.Node("n3")] };
        var choice = ReplicaSelector.Choose(Query(pods, policy, spec), cluster);

        var healthyLags = world.Lags.Where(l => l is >= 0 and <= 30).ToList();
        var primaryUsable = world.PrimaryRunning && (world.Load < 0 || world.Load <= world.Max);
        var secondaryAllowed = policy != ReplicaPolicy.PrimaryOnly && healthyLags.Count > 0;
        var primaryAllowed = policy != ReplicaPolicy.SecondaryOnly && primaryUsable;
        choice.WaitReason.Should().BeNull();
        if (choice.Role == ReplicaChoice.Secondary)
        {
            policy.Should().NotBe(ReplicaPolicy.PrimaryOnly);
            var lag = world.Lags[int.Parse(choice.Pod!["db-".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1];
            lag.Should().BeInRange(0, 30);
            lag.Should().Be(healthyLags.Min());
            if (policy == ReplicaPolicy.PreferPrimary)
            {
                primaryUsable.Should().BeFalse("PreferPrimary reads a secondary only when the primary is unusable");
            }
        }
        else if (choice.Role == ReplicaChoice.Primary)
        {
            choice.Pod.Should().Be("db-0");
            primaryAllowed.Should().BeTrue();
            if (policy == ReplicaPolicy.PreferSecondary)
            {
                healthyLags.Should().BeEmpty("PreferSecondary reads the primary only without a healthy secondary");
            }
        }
        else
        {
            choice.FailReason.Should().NotBeNull();
            secondaryAllowed.Should().BeFalse();
            primaryAllowed.Should().BeFalse();
        }
    });
}
