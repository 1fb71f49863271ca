using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Scheduling;

namespace Spool.Operator.Tests.Support;

/// <summary>
/// A federated run in memory: claims with one pod each over some nodes, the parent job, and its children. A step
/// runs the decider, writes the parent's status as the API server would (a JSON round trip) and creates the
/// children it asks for; tests finish children and move pods between steps.
/// </summary>
public sealed class FederatedWorld
{
    public const string Ns = "apps";

    private long version = 100;

    public FederatedWorld(IEnumerable<(string Claim, string Node)> workloads, int maxPerNode = 1, bool allowPartial = false, int nodes = 3)
    {
        Nodes = Enumerable.Range(0, nodes).Select(i => "n" + i).ToList();
        foreach (var (claim, node) in workloads)
        {
            AddWorkload(claim, node);
        }

        Job = new BackupJob
        {
            Metadata = new ObjectMeta { Name = "nightly", Namespace = Ns, Uid = "0123456789abcdef-nightly", Generation = 1, ResourceVersion = "100", CreationTimestamp = Build.Epoch0 },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["backup"] = "nightly" } } },
                Destination = new BackupDestination { Drives = ["td-0", "td-1"] },
                MaxConcurrentPerNode = maxPerNode,
                AllowPartialSuccess = allowPartial,
            },
        };
    }

    public List<string> Nodes { get; }

    public List<PersistentVolumeClaim> Claims { get; } = [];

    public List<Pod> Pods { get; } = [];

    public List<BackupJob> Children { get; } = [];

    public BackupJob Job { get; private set; }

    public DateTimeOffset Now { get; set; } = Build.Epoch0;

    public Dictionary<string, DateTimeOffset> NodeFailures { get; } = new(StringComparer.Ordinal);

    public BackupJobStatus Status => Job.Status ?? new BackupJobStatus();

    public IReadOnlyList<OperatorAction> LastActions { get; private set; } = [];

    public void AddWorkload(string claim, string node, int criticality = 0, bool matches = true)
    {
        Claims.Add(Build.Claim(claim, "pv-" + claim, Ns) with
        {
            Metadata = new ObjectMeta
            {
                Name = claim,
                Namespace = Ns,
                ResourceVersion = "1",
                Labels = matches ? new Dictionary<string, string> { ["backup"] = "nightly" } : null,
                Annotations = criticality == 0 ? null : new Dictionary<string, string> { [SpoolGroup.CriticalityAnnotation] = criticality.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        });
        Pods.Add(Build.Pod(claim + "-0", node, claim, ns: Ns));
    }

    /// <summary>The workload's pod now runs on <paramref name="node"/> (a new pod, same claim).</summary>
    public void Move(string claim, string node)
    {
        Pods.RemoveAll(p => p.Spec.Volumes![0].PersistentVolumeClaim!.ClaimName == claim);
        Pods.Add(Build.Pod(claim + "-0", node, claim, ns: Ns) with { Metadata = new ObjectMeta { Name = claim + "-0", Namespace = Ns, Uid = "uid-" + claim + "-" + node, ResourceVersion = "2" } });
    }

    public FederatedBackupObservation Observe() => new()
    {
        Job = Job,
        Children = Children,
        Claims = Claims,
        Pods = Pods,
        Volumes = Claims.Select(c => Build.Volume(c.Spec.VolumeName!)).ToList(),
        NodeFailures = NodeFailures,
        Cluster = Build.Cluster(Nodes.Select(n => Build.Node(n)).ToList(), [Build.Drive("td-0"), Build.Drive("td-1")], Now),
    };

    /// <summary>One decision, applied. Returns the children created.</summary>
    public IReadOnlyList<BackupJob> Step()
    {
        var actions = FederatedBackupDecider.Decide(Observe());
        LastActions = actions;
        var created = new List<BackupJob>();
        foreach (var action in actions)
        {
            switch (action)
            {
                case UpdateBackupJobStatus update:
                    update.ExpectedResourceVersion.Should().Be(Job.Metadata.ResourceVersion, "the status write carries the version the decision saw");
                    var written = KubeJson.Deserialize<BackupJobStatus>(KubeJson.Serialize(update.Status));
                    Job = Job with { Status = written, Metadata = Job.Metadata with { ResourceVersion = (++version).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
                    break;
                case CreateBackupJob create:
                    if (Children.All(c => c.Metadata.Name != create.Job.Metadata.Name))
                    {
                        var child = create.Job with { Metadata = create.Job.Metadata with { Uid = "uid-" + create.Job.Metadata.Name, CreationTimestamp = Now }, Status = new BackupJobStatus { Phase = BackupPhase.Pending } };
                        Children.Add(child);
                        created.Add(child);
                    }

                    break;
            }
        }

        return created;
    }

    /// <summary>The child finishes on the node its volume lives on now.</summary>
    public void Finish(string childName, bool succeeded = true)
    {
        var i = Children.FindIndex(c => c.Metadata.Name == childName);
        var child = Children[i];
        var node = NodeOf(child.Spec.Source.PersistentVolumeClaim!);
        Children[i] = child with
        {
            Status = new BackupJobStatus
            {
                Phase = succeeded ? BackupPhase.Succeeded : BackupPhase.Failed,
                Node = node,
                BackupId = "b-" + childName,
                Progress = new JobProgress { BytesDone = 100, BytesTotal = 100 },
                Attempts = [new Attempt { Epoch = 1, Node = node, Reason = succeeded ? "Succeeded" : "AgentFailed" }],
                Catalog = succeeded ? new CatalogLocation { BackupId = "b-" + childName, Drives = ["td-0"] } : null,
                CompletionTime = Now,
            },
        };
    }

    /// <summary>The child streams on its volume's node.</summary>
    public void Start(string childName)
    {
        var i = Children.FindIndex(c => c.Metadata.Name == childName);
        var child = Children[i];
        Children[i] = child with { Status = new BackupJobStatus { Phase = BackupPhase.Running, Node = NodeOf(child.Spec.Source.PersistentVolumeClaim!), Epoch = 1 } };
    }

    public string? NodeOf(string claim) => Pods.FirstOrDefault(p => p.Spec.Volumes![0].PersistentVolumeClaim!.ClaimName == claim)?.Spec.NodeName;

    public IEnumerable<BackupJob> Unfinished => Children.Where(c => !FederatedBackupDecider.IsTerminal(c.Status?.Phase)).ToList();
}
