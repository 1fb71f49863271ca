using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.ApiServer;
using Spool.DevCluster.Faults;
using Spool.DevCluster.Nodes;
using Spool.DevCluster.Processes;
using Spool.DevCluster.Workloads;
using Spool.Kube;

namespace Spool.DevCluster;

/// <summary>
/// The embedded multi-node cluster: an in-process API server with its state on disk, simulated nodes (heartbeat,
/// kubelet root, agent process), the node lifecycle controller, a workload controller, shared storage, directory
/// drives, two operator replicas, and the fault commands. Everything the operator and agents see goes through the
/// API server, exactly as in a real cluster.
/// </summary>
public sealed class DevCluster : IAsyncDisposable
{
    public const string OperatorLease = "spool-operator";

    private readonly ConcurrentDictionary<string, SimulatedNode> nodes = new(StringComparer.Ordinal);
    private readonly List<OperatorReplica> operators = [];
    private readonly List<FaultRecord> faults = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];
    private readonly SemaphoreSlim faultGate = new(1, 1);
    private readonly ApiServerHost apiServer;
    private KubernetesClient? client;
    private WorkloadController? workloads;
    private SharedVolumes? volumes;
    private int operatorCounter;
    private bool disposed;

    private DevCluster(DevClusterOptions options, StorageLayout layout, RepositoryLayout repository, ClusterLog log)
    {
        Options = options;
        Layout = layout;
        Repository = repository;
        Log = log;
        apiServer = new ApiServerHost(new EmbeddedApiServerOptions
        {
            Port = options.Port,
            KubeconfigPath = layout.Kubeconfig,
            PersistenceDirectory = layout.StateDirectory,
            TimeProvider = options.TimeProvider,
            ContextName = "spool-dev",
            PodExecHandler = new LocalPodExecHandler(() => nodes, () => client, layout, options.TimeProvider),
        });
    }

    public DevClusterOptions Options { get; }

    public StorageLayout Layout { get; }

    public RepositoryLayout Repository { get; }

    public ClusterLog Log { get; }

    public IKubernetesClient Client => client ?? throw new InvalidOperationException("the cluster is not started");

    public int ApiPort => apiServer.Port;

    public string KubeconfigPath => Layout.Kubeconfig;

    public IReadOnlyDictionary<string, SimulatedNode> Nodes => nodes;

    public IReadOnlyList<string> NodeNames => nodes.Keys.Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> DriveNames { get; private set; } = [];

    public IReadOnlyList<FaultRecord> Faults
    {
        get
        {
            lock (faults)
            {
                return faults.ToList();
            }
        }
    }

    public IReadOnlyList<OperatorReplica> OperatorReplicas
    {
        get
        {
            lock (operators)
            {
                return operators.ToList();
            }
        }
    }

    public WorkloadController WorkloadController => workloads ?? throw new InvalidOperationException("the cluster is not started");

    public string KubectlHint => $"{(File.Exists(Repository.KubectlPath) ? Repository.KubectlPath : "kubectl")} --kubeconfig {Layout.Kubeconfig}";

    public static async Task<DevCluster> StartAsync(DevClusterOptions options, CancellationToken cancellationToken)
    {
        var layout = StorageLayout.For(options.Directory);
        layout.Create();
        var repository = RepositoryLayout.Locate(options.Configuration);
        if (options.StartProcesses)
        {
            repository.EnsureBuilt();
        }

        var log = new ClusterLog(layout.LogFile("spool-dev"), options.ConsoleLog, options.TimeProvider);
        var cluster = new DevCluster(options, layout, repository, log);
        try
        {
            await cluster.BootAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    private async Task BootAsync(CancellationToken cancellationToken)
    {
        KillLeftoverProcesses();
        await apiServer.StartAsync(cancellationToken);
        Log.Info("API server started", ("port", apiServer.Port), ("kubeconfig", Layout.Kubeconfig), ("state", Layout.StateDirectory));
        client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(Layout.Kubeconfig, timeProvider: Options.TimeProvider) with { Qps = 0 });
        volumes = new SharedVolumes(client, Layout, Log);
        workloads = new WorkloadController(client, Log);

        await ApplyCrdsAsync(cancellationToken);
        await EnsureNamespaceAsync(Options.SystemNamespace, cancellationToken);
        await EnsureNamespaceAsync("default", cancellationToken);

        for (var i = 1; i <= Options.Nodes; i++)
        {
            var name = $"node-{i}";
            var node = new SimulatedNode(name, Layout.KubeletRoot(name));
            Directory.CreateDirectory(node.KubeletRoot);
            nodes[name] = node;
            await EnsureNodeObjectAsync(name, i, cancellationToken);
            await new NodeHeartbeat(node, client, Options, Log).BeatAsync(cancellationToken);
        }

        await EnsureDrivesAsync(cancellationToken);

        var token = stopping.Token;
        foreach (var node in nodes.Values)
        {
            var heartbeat = new NodeHeartbeat(node, client, Options, Log);
            loops.Add(Task.Run(() => heartbeat.RunAsync(token), CancellationToken.None));
        }

        var lifecycle = new NodeLifecycleController(client, Options, Log);
        loops.Add(Task.Run(() => lifecycle.RunAsync(token), CancellationToken.None));
        var kubelet = new KubeletSimulator(client, Layout, nodes, volumes, Options, Log);
        loops.Add(Task.Run(() => kubelet.RunAsync(workloads.ReconcileOnceAsync, token), CancellationToken.None));

        if (Options.StartProcesses)
        {
            for (var i = 0; i < Options.OperatorReplicas; i++)
            {
                AddOperatorReplica();
            }

            foreach (var node in nodes.Values)
            {
                StartAgent(node);
            }

            loops.Add(Task.Run(() => SuperviseAsync(token), CancellationToken.None));
        }

        Log.Info("Cluster up", ("nodes", nodes.Count), ("drives", DriveNames.Count), ("dir", Layout.Root));
    }

    private async Task ApplyCrdsAsync(CancellationToken cancellationToken)
    {
        var crds = Client.Resource(new ResourceDescriptor("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false));
        var files = Directory.Exists(Repository.CrdDirectory) ? Directory.GetFiles(Repository.CrdDirectory, "*.yaml").Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"no CRDs in {Repository.CrdDirectory}; run make crds");
        }

        foreach (var file in files)
        {
            var crd = YamlJson.Parse(await File.ReadAllTextAsync(file, cancellationToken)) as JsonObject
                ?? throw new InvalidOperationException($"{file} is not a YAML object");
            var name = crd["metadata"]?["name"]?.GetValue<string>() ?? throw new InvalidOperationException($"{file} has no metadata.name");
            var existing = await crds.GetAsync(name, cancellationToken: cancellationToken);
            if (existing is null)
            {
                await crds.CreateAsync(crd, cancellationToken: cancellationToken);
            }
            else
            {
                ((JsonObject)crd["metadata"]!)["resourceVersion"] = existing["metadata"]?["resourceVersion"]?.GetValue<string>();
                await crds.UpdateAsync(crd, cancellationToken: cancellationToken);
            }
        }

        // The CRDs are served once a LIST answers.
        await Wait.UntilAsync(async ct =>
        {
            try
            {
                await Client.ListAsync<BackupJob>(options: new ListOptions { Limit = 1 }, cancellationToken: ct);
                await Client.ListAsync<RestoreJob>(options: new ListOptions { Limit = 1 }, cancellationToken: ct);
                await Client.ListAsync<TapeDrive>(options: new ListOptions { Limit = 1 }, cancellationToken: ct);
                return true;
            }
            catch (KubernetesApiException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the Spool CRDs to be served", Options.TimeProvider, cancellationToken);
        Log.Info("Applied CRDs", ("count", files.Count));
    }

    private async Task EnsureNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } }, cancellationToken);
        }
        catch (KubernetesAlreadyExistsException)
        {
        }
    }

    private async Task EnsureNodeObjectAsync(string name, int index, CancellationToken cancellationToken)
    {
        if (await Client.GetAsync<Node>(name, cancellationToken: cancellationToken) is { } existing)
        {
            if (existing.Spec?.Unschedulable == true)
            {
                await Client.PatchAsync<Node>(name, null, KubePatch.Merge("""{"spec":{"unschedulable":null}}"""), cancellationToken: cancellationToken);
            }

            return;
        }

        await Client.CreateAsync(new Node
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string>
                {
                    ["kubernetes.io/hostname"] = name,
                    ["kubernetes.io/os"] = "linux",
                    ["topology.kubernetes.io/zone"] = "zone-" + (char)('a' + ((index - 1) % 2)),
                    ["dev.spool.dev/simulated"] = "true",
                },
            },
            Spec = new NodeSpec(),
        }, cancellationToken);
        var status = new NodeStatus
        {
            Addresses = [new NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }, new NodeAddress { Type = "Hostname", Address = name }],
            Capacity = new Dictionary<string, string> { ["cpu"] = "2", ["memory"] = "8Gi", ["pods"] = "110" },
            Allocatable = new Dictionary<string, string> { ["cpu"] = "2", ["memory"] = "8Gi", ["pods"] = "110" },
        };
        await Client.PatchAsync<Node>(name, null, KubePatch.Merge(KubeJson.Serialize(new { status })), "status", cancellationToken);
    }

    private async Task EnsureDrivesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        for (var i = 0; i < Options.Drives; i++)
        {
            var name = $"td-{i}";
            names.Add(name);
            var path = Layout.DrivePath(name);
            Directory.CreateDirectory(path);
            if (await Client.GetAsync<TapeDrive>(name, cancellationToken: cancellationToken) is not null)
            {
                continue;
            }

            await Client.CreateAsync(new TapeDrive
            {
                Metadata = new ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["spool.dev/pool"] = "default" } },
                Spec = new TapeDriveSpec { Type = Api.V1Alpha1.DriveType.Directory, Path = path, Nodes = Options.DriveNodes?.Invoke(i) },
            }, cancellationToken);
        }

        DriveNames = names;
        Log.Info("Drives ready", ("drives", string.Join(",", names)));
    }

    // ---- workloads ----

    /// <summary>Creates the workload's bound claim and waits until its pod runs with the volume mounted.</summary>
    public async Task<Pod> AddWorkloadAsync(WorkloadSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await EnsureNamespaceAsync(spec.Namespace, cancellationToken);
        await volumes!.CreateBoundClaimAsync(spec.Namespace, spec.ClaimName, spec.VolumeName, spec.Size,
            new Dictionary<string, string> { [WorkloadController.AppLabel] = spec.Name }, cancellationToken);
        WorkloadController.Register(spec);
        return await WaitForWorkloadPodAsync(spec, _ => true, timeout, cancellationToken);
    }

    /// <summary>
    /// Reschedules the workload onto <paramref name="node"/> while every node stays healthy, as a rollout or a descheduler
    /// would: its pod is deleted and created again there (same name, new uid, the volume mounted at a new path).
    /// </summary>
    public async Task<Pod> MoveWorkloadAsync(WorkloadSpec spec, string node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!nodes.ContainsKey(node))
        {
            throw new ArgumentException($"no node {node}: one of {string.Join(", ", NodeNames)}", nameof(node));
        }

        var moved = spec with { PreferredNode = node };
        WorkloadController.Register(moved);
        var pods = await Client.ListAsync<Pod>(spec.Namespace, new ListOptions { LabelSelector = $"{WorkloadController.WorkloadLabel}={spec.Name}" }, cancellationToken);
        foreach (var pod in pods.Items.Where(p => p.Spec.NodeName != node))
        {
            await Client.DeleteAsync<Pod>(pod.Metadata.Name!, pod.Metadata.Namespace, new Kube.DeleteOptions { GracePeriodSeconds = 0 }, cancellationToken);
            Log.Info("Moving workload", ("workload", $"{spec.Namespace}/{spec.Name}"), ("from", pod.Spec.NodeName), ("to", node));
        }

        return await WaitForWorkloadPodAsync(moved, p => p.Spec.NodeName == node, timeout, cancellationToken);
    }

    /// <summary>The shared data directory of the workload's volume.</summary>
    public string WorkloadDataPath(WorkloadSpec spec) => Layout.VolumeData(spec.VolumeName);

    /// <summary>Waits for a Running pod of the workload whose volume is mounted, matching the predicate.</summary>
    public async Task<Pod> WaitForWorkloadPodAsync(WorkloadSpec spec, Func<Pod, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Pod? found = null;
        await Wait.UntilAsync(async ct =>
        {
            var pods = await Client.ListAsync<Pod>(spec.Namespace, new ListOptions { LabelSelector = $"{WorkloadController.WorkloadLabel}={spec.Name}" }, ct);
            found = pods.Items.FirstOrDefault(p => p.Status?.Phase == "Running" && p.Metadata.DeletionTimestamp is null && predicate(p)
                && Directory.Exists(Layout.PodVolumeMount(p.Spec.NodeName!, p.Metadata.Uid!, spec.VolumeName)));
            return found is not null;
        }, timeout, $"a running pod of workload {spec.Namespace}/{spec.Name}", Options.TimeProvider, cancellationToken);
        return found!;
    }

    // ---- processes ----

    private void AddOperatorReplica()
    {
        OperatorReplica replica;
        lock (operators)
        {
            operatorCounter++;
            replica = new OperatorReplica($"op-{operatorCounter}");
            operators.Add(replica);
        }

        StartOperator(replica);
    }

    private void StartOperator(OperatorReplica replica)
    {
        var args = new List<string>
        {
            Repository.OperatorDll, "run",
            "--kubeconfig", Layout.Kubeconfig,
            "--namespace", Options.SystemNamespace,
            "--identity", replica.Identity,
            "--health-port", "0",
            "--metrics-port", "0",
            "--log-format", "text",
        };
        args.AddRange(Options.OperatorArguments);
        var env = new Dictionary<string, string>(Options.Environment)
        {
            ["POD_NAME"] = replica.Identity,
            ["POD_NAMESPACE"] = Options.SystemNamespace,
            ["KUBECONFIG"] = Layout.Kubeconfig,
        };
        replica.Process = ManagedProcess.Start(new ProcessSpec($"operator {replica.Identity}", "dotnet", args, env, Layout.LogFile("operator-" + replica.Identity), Layout.Root), Options.TimeProvider);
        replica.ExitedAt = null;
        Log.Info("Started operator replica", ("identity", replica.Identity), ("pid", replica.Process.Pid));
        WriteProcessFile();
    }

    private void StartAgent(SimulatedNode node)
    {
        var args = new List<string>
        {
            Repository.AgentDll, "run",
            "--kubeconfig", Layout.Kubeconfig,
            "--kubelet-root", node.KubeletRoot,
            "--namespace", Options.SystemNamespace,
        };
        args.AddRange(Options.AgentArguments);
        var env = new Dictionary<string, string>(Options.Environment)
        {
            ["NODE_NAME"] = node.Name,
            ["POD_NAME"] = $"spool-agent-{node.Name}-{node.AgentStarts + 1}",
            ["POD_NAMESPACE"] = Options.SystemNamespace,
            ["KUBECONFIG"] = Layout.Kubeconfig,
        };
        var process = ManagedProcess.Start(new ProcessSpec($"agent {node.Name}", "dotnet", args, env, Layout.LogFile("agent-" + node.Name), Layout.Root), Options.TimeProvider);
        node.Agent = process;
        if (Options.AgentCpuLimit is { } limit && limit < 1)
        {
            _ = Task.Run(() => process.ThrottleAsync(limit, TimeSpan.FromMilliseconds(100), Options.TimeProvider, stopping.Token), CancellationToken.None);
        }

        Log.Info("Started agent", ("node", node.Name), ("pid", process.Pid), ("start", node.AgentStarts));
        WriteProcessFile();
    }

    /// <summary>Like a DaemonSet and a Deployment: a crashed agent of a live node, or a crashed operator replica, comes back after a short delay.</summary>
    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        var time = Options.TimeProvider;
        var agentExits = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            await faultGate.WaitAsync(cancellationToken);
            try
            {
                foreach (var node in nodes.Values)
                {
                    var agent = node.Agent;
                    if (node.State != NodeState.Running || agent is null || !agent.HasExited)
                    {
                        agentExits.Remove(node.Name);
                        continue;
                    }

                    if (!agentExits.TryGetValue(node.Name, out var exitedAt))
                    {
                        agentExits[node.Name] = now;
                        Log.Warning("Agent exited", ("node", node.Name), ("pid", agent.Pid), ("code", agent.Exited.Result));
                        continue;
                    }

                    if (now - exitedAt >= Options.AgentRestartDelay)
                    {
                        agentExits.Remove(node.Name);
                        StartAgent(node);
                    }
                }

                foreach (var replica in OperatorReplicas.Where(r => !r.Retired && r.Process is { HasExited: true }))
                {
                    if (replica.ExitedAt is not { } exited)
                    {
                        replica.ExitedAt = now;
                        Log.Warning("Operator replica exited", ("identity", replica.Identity), ("code", replica.Process!.Exited.Result));
                    }
                    else if (now - exited >= Options.AgentRestartDelay)
                    {
                        StartOperator(replica);
                    }
                }
            }
            finally
            {
                faultGate.Release();
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void WriteProcessFile()
    {
        var pids = nodes.Values.Select(n => n.Agent).Concat(OperatorReplicas.Select(r => r.Process))
            .Where(p => p is { HasExited: false })
            .Select(p => p!.Pid.ToString(CultureInfo.InvariantCulture));
        File.WriteAllLines(Layout.ProcessFile, pids);
    }

    /// <summary>After a crash of a previous spool-dev on the same directory, its agents and operators may still run.</summary>
    private void KillLeftoverProcesses()
    {
        if (!File.Exists(Layout.ProcessFile))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(Layout.ProcessFile))
        {
            if (!int.TryParse(line, CultureInfo.InvariantCulture, out var pid) || !Signals.Exists(pid))
            {
                continue;
            }

            var cmdline = Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture), "cmdline");
            string text;
            try
            {
                text = File.ReadAllText(cmdline);
            }
            catch (IOException)
            {
                continue;
            }

            if (text.Contains(Layout.Kubeconfig, StringComparison.Ordinal))
            {
                Signals.Send(pid, Signals.SigCont);
                Signals.Send(pid, Signals.SigKill);
                Log.Info("Killed leftover process", ("pid", pid));
            }
        }

        File.Delete(Layout.ProcessFile);
    }

    // ---- faults ----

    public async Task<FaultRecord> FaultAsync(FaultKind kind, string? target, CancellationToken cancellationToken)
    {
        if (FaultNames.TargetsNode(kind) && (target is null || !nodes.ContainsKey(target)))
        {
            throw new ArgumentException($"{FaultNames.Name(kind)} needs a node: one of {string.Join(", ", NodeNames)}");
        }

        if (FaultNames.TargetsDrive(kind) && (target is null || !DriveNames.Contains(target)))
        {
            throw new ArgumentException($"{FaultNames.Name(kind)} needs a drive: one of {string.Join(", ", DriveNames)}");
        }

        await faultGate.WaitAsync(cancellationToken);
        string detail;
        try
        {
            detail = kind switch
            {
                FaultKind.KillNode => KillNode(nodes[target!]),
                FaultKind.PauseNode => PauseNode(nodes[target!]),
                FaultKind.ResumeNode => ResumeNode(nodes[target!]),
                FaultKind.StartNode => StartNode(nodes[target!]),
                FaultKind.KillAgent => KillAgent(nodes[target!]),
                FaultKind.DrainNode => await CordonAsync(target!, true, cancellationToken),
                FaultKind.UncordonNode => await CordonAsync(target!, false, cancellationToken),
                FaultKind.DriveOffline => await SetDriveOfflineAsync(target!, true, cancellationToken),
                FaultKind.DriveOnline => await SetDriveOfflineAsync(target!, false, cancellationToken),
                FaultKind.DriveFail => FailDrive(target!),
                FaultKind.DriveRepair => RepairDrive(target!),
                FaultKind.RestartApiServer => await RestartApiServerCoreAsync(cancellationToken),
                FaultKind.KillOperatorLeader => await KillOperatorLeaderCoreAsync(cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }
        finally
        {
            faultGate.Release();
        }

        var record = new FaultRecord(kind, target, Options.TimeProvider.GetUtcNow(), detail);
        lock (faults)
        {
            faults.Add(record);
        }

        Log.Info("Injected fault", ("fault", record.Name), ("target", target), ("detail", detail));
        return record;
    }

    public Task<FaultRecord> KillNodeAsync(string node, CancellationToken cancellationToken) => FaultAsync(FaultKind.KillNode, node, cancellationToken);

    public Task<FaultRecord> PauseNodeAsync(string node, CancellationToken cancellationToken) => FaultAsync(FaultKind.PauseNode, node, cancellationToken);

    public Task<FaultRecord> ResumeNodeAsync(string node, CancellationToken cancellationToken) => FaultAsync(FaultKind.ResumeNode, node, cancellationToken);

    public Task<FaultRecord> StartNodeAsync(string node, CancellationToken cancellationToken) => FaultAsync(FaultKind.StartNode, node, cancellationToken);

    public Task<FaultRecord> KillAgentAsync(string node, CancellationToken cancellationToken) => FaultAsync(FaultKind.KillAgent, node, cancellationToken);

    public Task<FaultRecord> DrainNodeAsync(string node, CancellationToken cancellationToken) => FaultAsync(FaultKind.DrainNode, node, cancellationToken);

    public Task<FaultRecord> UncordonNodeAsync(string node, CancellationToken cancellationToken) => FaultAsync(FaultKind.UncordonNode, node, cancellationToken);

    public Task<FaultRecord> DriveOfflineAsync(string drive, CancellationToken cancellationToken) => FaultAsync(FaultKind.DriveOffline, drive, cancellationToken);

    public Task<FaultRecord> DriveFailAsync(string drive, CancellationToken cancellationToken) => FaultAsync(FaultKind.DriveFail, drive, cancellationToken);

    public Task<FaultRecord> RestartApiServerAsync(CancellationToken cancellationToken) => FaultAsync(FaultKind.RestartApiServer, null, cancellationToken);

    public Task<FaultRecord> KillOperatorLeaderAsync(CancellationToken cancellationToken) => FaultAsync(FaultKind.KillOperatorLeader, null, cancellationToken);

    private string KillNode(SimulatedNode node)
    {
        node.State = NodeState.Killed;
        var agent = node.Agent;
        agent?.Kill();
        return agent is null ? "no agent" : $"agent pid {agent.Pid} killed with -9; heartbeats stopped";
    }

    private string PauseNode(SimulatedNode node)
    {
        if (node.State != NodeState.Running)
        {
            throw new InvalidOperationException($"{node.Name} is {node.State}");
        }

        node.State = NodeState.Paused;
        var agent = node.Agent;
        if (agent is { HasExited: false })
        {
            agent.Pause();
        }

        return $"agent pid {agent?.Pid} stopped (SIGSTOP); heartbeats stopped";
    }

    private string ResumeNode(SimulatedNode node)
    {
        if (node.State != NodeState.Paused)
        {
            throw new InvalidOperationException($"{node.Name} is {node.State}, not Paused");
        }

        var agent = node.Agent;
        if (agent is { HasExited: false, Paused: true })
        {
            agent.Resume();
        }

        node.State = NodeState.Running;
        return $"agent pid {agent?.Pid} continued (SIGCONT); heartbeats resumed";
    }

    private string StartNode(SimulatedNode node)
    {
        if (node.State == NodeState.Paused)
        {
            return ResumeNode(node);
        }

        if (node.State == NodeState.Running)
        {
            return "already running";
        }

        node.State = NodeState.Running;
        if (Options.StartProcesses)
        {
            StartAgent(node);
        }

        return $"node booted; agent pid {node.Agent?.Pid}";
    }

    private string KillAgent(SimulatedNode node)
    {
        var agent = node.Agent;
        if (agent is null || agent.HasExited)
        {
            throw new InvalidOperationException($"no agent runs on {node.Name}");
        }

        agent.Kill();
        return $"agent pid {agent.Pid} killed with -9; restarts after {Options.AgentRestartDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
    }

    private async Task<string> CordonAsync(string node, bool cordon, CancellationToken cancellationToken)
    {
        var body = cordon ? """{"spec":{"unschedulable":true}}""" : """{"spec":{"unschedulable":null}}""";
        await Client.PatchAsync<Node>(node, null, KubePatch.Merge(body), cancellationToken: cancellationToken);
        return cordon ? "cordoned; workloads migrate" : "uncordoned";
    }

    private async Task<string> SetDriveOfflineAsync(string drive, bool offline, CancellationToken cancellationToken)
    {
        await Client.PatchAsync<TapeDrive>(drive, null, KubePatch.Merge(offline ? """{"spec":{"offline":true}}""" : """{"spec":{"offline":false}}"""), cancellationToken: cancellationToken);
        return offline ? "spec.offline=true" : "spec.offline=false";
    }

    /// <summary>
    /// A dead drive: its directory disappears from every node (moved aside under drives/.failed/) and a plain file takes its
    /// place, so that every open, create and stat under the drive path fails with ENOTDIR; the data is kept for post-mortems.
    /// </summary>
    private string FailDrive(string drive)
    {
        var path = Layout.DrivePath(drive);
        var graveyard = Path.Combine(Layout.DrivesDirectory, ".failed");
        Directory.CreateDirectory(graveyard);
        var aside = Path.Combine(graveyard, $"{drive}-{Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");
        if (Directory.Exists(path))
        {
            Directory.Move(path, aside);
        }

        File.WriteAllText(path, "simulated drive failure: the medium does not answer\n");
        return $"drive path {path} no longer a directory; contents moved to {aside}";
    }

    private string RepairDrive(string drive)
    {
        var path = Layout.DrivePath(drive);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        Directory.CreateDirectory(path);
        return "drive directory replaced by a fresh empty medium";
    }

    private async Task<string> RestartApiServerCoreAsync(CancellationToken cancellationToken)
    {
        var started = Options.TimeProvider.GetTimestamp();
        await apiServer.RestartAsync(cancellationToken);
        var took = Options.TimeProvider.GetElapsedTime(started);
        return $"stopped and started on port {apiServer.Port} in {took.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms";
    }

    /// <summary>The holder of Lease spool-operator, killed with -9; a new replica takes its place, as a Deployment would.</summary>
    private async Task<string> KillOperatorLeaderCoreAsync(CancellationToken cancellationToken)
    {
        var lease = await Client.GetAsync<Lease>(OperatorLease, Options.SystemNamespace, cancellationToken)
            ?? throw new InvalidOperationException($"no Lease {Options.SystemNamespace}/{OperatorLease}: no operator leads yet");
        var holder = lease.Spec.HolderIdentity ?? throw new InvalidOperationException("the operator lease has no holder");
        var replica = OperatorReplicas.FirstOrDefault(r => !r.Retired && holder.StartsWith(r.Identity, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the lease holder {holder} is not a replica of this cluster");
        replica.Retired = true;
        replica.Process?.Kill();
        AddOperatorReplica();
        return $"leader {replica.Identity} (pid {replica.Process?.Pid}) killed with -9; replacement {OperatorReplicas[^1].Identity} started";
    }

    public async Task<string?> OperatorLeaderAsync(CancellationToken cancellationToken) =>
        (await Client.GetAsync<Lease>(OperatorLease, Options.SystemNamespace, cancellationToken))?.Spec.HolderIdentity;

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await stopping.CancelAsync();
        try
        {
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10), Options.TimeProvider);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        var processes = nodes.Values.Select(n => n.Agent).Concat(OperatorReplicas.Select(r => r.Process)).OfType<ManagedProcess>().ToList();
        foreach (var process in processes)
        {
            if (process.Paused)
            {
                process.Resume();
            }

            process.Terminate();
        }

        foreach (var process in processes)
        {
            try
            {
                await process.Exited.WaitAsync(TimeSpan.FromSeconds(5), Options.TimeProvider);
            }
            catch (TimeoutException)
            {
            }

            process.Dispose();
        }

        if (File.Exists(Layout.ProcessFile))
        {
            File.Delete(Layout.ProcessFile);
        }

        client?.Dispose();
        await apiServer.DisposeAsync();
        Log.Info("Cluster down");
        Log.Dispose();
        stopping.Dispose();
        faultGate.Dispose();
    }
}
