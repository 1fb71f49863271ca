using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Support;

/// <summary>
/// A federated restore in memory: a finished federated run (parent and child BackupJobs), the claims and pods of its
/// workloads over some nodes, the RestoreJob and its children. A step runs the decider, writes the restore's status as
/// the API server would (a JSON round trip), creates and deletes the children it asks for; tests start, finish and fail
/// children and move, stop and start workloads between steps.
/// </summary>
public sealed class RestoreWorld
{
    public const string Ns = "apps";

    private long version = 200;

    public RestoreWorld(IEnumerable<(string Claim, string? Node)> workloads, IReadOnlyList<string>? volumes = null, RestorePlacement? placement = null, ActiveWorkloadPolicy policy = ActiveWorkloadPolicy.Wait, IEnumerable<string>? notCaptured = null, int nodes = 3)
    {
        Nodes = Enumerable.Range(0, nodes).Select(i => "n" + i).ToList();
        var missed = (notCaptured ?? []).ToHashSet(StringComparer.Ordinal);
        var tasks = new List<VolumeTask>();
        foreach (var (claim, node) in workloads)
        {
            Claims.Add(Build.Claim(claim, "pv-" + claim, Ns));
            if (node is not null)
            {
                Pods.Add(WorkloadPod(claim, node));
            }

            var order = tasks.Count;
            var child = $"nightly-{order:D3}-{claim}";
            var captured = !missed.Contains(claim);
            tasks.Add(new VolumeTask
            {
                Namespace = Ns,
                PersistentVolumeClaim = claim,
                Workload = "sts-" + claim,
                Job = child,
                Node = node ?? "n0",
                Order = order,
                Phase = captured ? BackupPhase.Succeeded : BackupPhase.Failed,
                BackupId = "b-" + child,
                CompletionTime = Build.Epoch0.AddHours(-1).AddMinutes(order),
                Message = captured ? null : "the agent failed",
            });
            RunChildren.Add(new BackupJob
            {
                Metadata = new ObjectMeta { Name = child, Namespace = Ns, Uid = "uid-" + child, ResourceVersion = "5" },
                Spec = new BackupJobSpec { Source = new BackupSource { PersistentVolumeClaim = claim }, Destination = new BackupDestination { Drives = ["td-0"] } },
                Status = new BackupJobStatus
                {
                    Phase = captured ? BackupPhase.Succeeded : BackupPhase.Failed,
                    Catalog = captured ? new CatalogLocation { BackupId = "b-" + child, Drives = ["td-0"], Bytes = 1000 } : null,
                    CompletionTime = Build.Epoch0.AddHours(-1).AddMinutes(order),
                },
            });
        }

        Run = new BackupJob
        {
            Metadata = new ObjectMeta { Name = "nightly", Namespace = Ns, Uid = "0123456789abcdef-nightly", ResourceVersion = "9" },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["backup"] = "nightly" } } },
                Destination = new BackupDestination { Drives = ["td-0"] },
            },
            Status = new BackupJobStatus { Phase = missed.Count == 0 ? BackupPhase.Succeeded : BackupPhase.PartiallySucceeded, Volumes = tasks },
        };
        Job = new RestoreJob
        {
            Metadata = new ObjectMeta { Name = "undo", Namespace = Ns, Uid = "fedcba9876543210-undo", Generation = 1, ResourceVersion = "200", CreationTimestamp = Build.Epoch0 },
            Spec = new RestoreJobSpec
            {
                Source = new RestoreSource { BackupJob = "nightly", Volumes = volumes },
                Placement = placement,
                ActiveWorkloadPolicy = policy,
                ConflictPolicy = ConflictPolicy.Overwrite,
            },
        };
    }

    public List<string> Nodes { get; }

    public List<PersistentVolumeClaim> Claims { get; } = [];

    public List<Pod> Pods { get; } = [];

    public List<BackupJob> RunChildren { get; } = [];

    public BackupJob? Run { get; set; }

    public List<RestoreJob> Children { get; } = [];

    /// <summary>Every child ever created, deleted ones included.</summary>
    public List<string> Created { get; } = [];

    public List<string> Deleted { get; } = [];

    public RestoreJob Job { get; private set; }

    public DateTimeOffset Now { get; set; } = Build.Epoch0;

    public RestoreJobStatus Status => Job.Status ?? new RestoreJobStatus();

    public IReadOnlyList<OperatorAction> LastActions { get; private set; } = [];

    public FederatedRestoreObservation Observe() => new()
    {
        Job = Job,
        Run = Run,
        RunChildren = RunChildren,
        Children = Children,
        Claims = Claims,
        Pods = Pods,
        Volumes = Claims.Select(c => Build.Volume(c.Spec.VolumeName!)).ToList(),
        Cluster = Build.Cluster(Nodes.Select(n => Build.Node(n)).ToList(), [Build.Drive("td-0")], Now),
    };

    /// <summary>One decision, applied. Returns the children created.</summary>
    public IReadOnlyList<RestoreJob> Step()
    {
        var actions = FederatedRestoreDecider.Decide(Observe());
        LastActions = actions;
        var created = new List<RestoreJob>();
        foreach (var action in actions)
        {
            switch (action)
            {
                case UpdateRestoreJobStatus update:
                    update.ExpectedResourceVersion.Should().Be(Job.Metadata.ResourceVersion, "the status write carries the version the decision saw");
                    var written = KubeJson.Deserialize<RestoreJobStatus>(KubeJson.Serialize(update.Status));
                    Job = Job with { Status = written, Metadata = Job.Metadata with { ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
                    break;
                case CreateRestoreJob create:
                    if (Children.All(c => c.Metadata.Name != create.Job.Metadata.Name))
                    {
                        var child = create.Job with { Metadata = create.Job.Metadata with { Uid = "uid-" + create.Job.Metadata.Name, CreationTimestamp = Now }, Status = new RestoreJobStatus { Phase = RestorePhase.Pending } };
                        Children.Add(child);
                        Created.Add(child.Metadata.Name!);
                        created.Add(child);
                    }

                    break;
                case DeleteRestoreJob delete:
                    delete.Uid.Should().Be("uid-" + delete.Name, "a delete names the uid it saw");
                    if (Children.RemoveAll(c => c.Metadata.Name == delete.Name) > 0)
                    {
                        Deleted.Add(delete.Name);
                        Pods.RemoveAll(p => p.Metadata.Name == MounterName(delete.Name));
                    }

                    break;
            }
        }

        return created;
    }

    /// <summary>The child runs: through the workload's pod where it runs, else through a mounter pod on its named node (or n0).</summary>
    public void Start(string childName)
    {
        var i = Children.FindIndex(c => c.Metadata.Name == childName);
        var child = Children[i];
        var claim = child.Spec.Target!.PersistentVolumeClaim!;
        var node = NodeOf(claim);
        var resolution = "RunningPod";
        if (node is null)
        {
            node = child.Spec.Placement?.NodeName ?? "n0";
            resolution = "MounterPod";
            var mounter = Build.Pod(MounterName(childName), node, claim, ns: Ns);
            Pods.Add(mounter with { Metadata = mounter.Metadata with { Labels = new Dictionary<string, string> { [MounterPods.Label] = childName } } });
        }

        Children[i] = child with
        {
            Status = new RestoreJobStatus
            {
                Phase = RestorePhase.Running,
                Node = node,
                Epoch = 1,
                Target = new ResolvedVolume { Namespace = Ns, PersistentVolumeClaim = claim, Node = node, Resolution = resolution },
                Progress = new JobProgress { BytesDone = 400, BytesTotal = 1000 },
            },
        };
    }

    /// <summary>The child waits for something only a user can fix.</summary>
    public void Stall(string childName)
    {
        var i = Children.FindIndex(c => c.Metadata.Name == childName);
        Children[i] = Children[i] with
        {
            Status = new RestoreJobStatus
            {
                Phase = RestorePhase.Waiting,
                Conditions = JobConditions.Waiting(null, Reasons.NoReachableDrive, "no drive of the backup reaches the node", true, 1, Now),
            },
        };
    }

    public void Finish(string childName, bool succeeded = true)
    {
        var i = Children.FindIndex(c => c.Metadata.Name == childName);
        var child = Children[i];
        Children[i] = child with
        {
            Status = (child.Status ?? new RestoreJobStatus()) with
            {
                Phase = succeeded ? RestorePhase.Succeeded : RestorePhase.Failed,
                Progress = new JobProgress { BytesDone = succeeded ? 1000 : 400, BytesTotal = 1000 },
                CompletionTime = Now,
                Conditions = succeeded ? null : [new Condition { Type = JobConditions.Ready, Status = ConditionStatus.False, Reason = "RestoreFailed", Message = "the agent failed" }],
            },
        };
        Pods.RemoveAll(p => p.Metadata.Name == MounterName(childName));
    }

    /// <summary>The workload's pod now runs on <paramref name="node"/>, or nowhere when null.</summary>
    public void Move(string claim, string? node)
    {
        Pods.RemoveAll(p => p.Metadata.Labels?.ContainsKey(MounterPods.Label) != true && p.Spec.Volumes![0].PersistentVolumeClaim!.ClaimName == claim);
        if (node is not null)
        {
            Pods.Add(WorkloadPod(claim, node));
        }
    }

    public string? NodeOf(string claim) =>
        Pods.FirstOrDefault(p => p.Metadata.Labels?.ContainsKey(MounterPods.Label) != true && p.Spec.Volumes![0].PersistentVolumeClaim!.ClaimName == claim)?.Spec.NodeName;

    public IEnumerable<RestoreJob> Unfinished => Children.Where(c => !FederatedRestoreDecider.IsTerminal(c.Status?.Phase)).ToList();

    public WorkloadRestore Workload(string claim) => Status.Workloads!.Single(w => w.PersistentVolumeClaim == claim);

    private static string MounterName(string child) => MounterPods.NameFor(new JobRef(RestoreJob.KindValue, Ns, child, "uid-" + child));

    private static Pod WorkloadPod(string claim, string node)
    {
        var pod = Build.Pod(claim + "-0", node, claim, ns: Ns);
        return pod with
        {
            Metadata = pod.Metadata with
            {
                Uid = "uid-" + claim + "-" + node,
                OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "sts-" + claim, Uid = "sts-" + claim, Controller = true }],
            },
        };
    }
}
