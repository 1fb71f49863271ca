using System.Net.Http.Headers;
using System.Security.Cryptography;
using Spool.Agent.Host;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Metrics;
using Spool.Agent.Host.Streaming;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Testing;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>
/// The embedded API server with Spool's CRDs, a simulated node (kubelet root, drive root) on temp directories, and the
/// agent running in-process. The test plays the operator: it writes placement, status and drive claims.
/// </summary>
public sealed class AgentHarness : IAsyncDisposable
{
    public const string Node = "node-a";
    public const string Namespace = "apps";
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hardStop = new();
    private Task? _agent;

    private AgentHarness(ApiServerFixture server, KubernetesClient client, string root, RecordingExecHandler exec)
    {
        Server = server;
        Client = client;
        Root = root;
        Exec = exec;
    }

    public ApiServerFixture Server { get; }

    public KubernetesClient Client { get; }

    public string Root { get; }

    public RecordingExecHandler Exec { get; }

    public string KubeletRoot => Path.Combine(Root, "kubelet");

    public StringWriter Log { get; } = new();

    public AgentHost? Host { get; private set; }

    public AgentMetrics Metrics { get; } = new();

    public static async Task<AgentHarness> StartAsync()
    {
        var exec = new RecordingExecHandler();
        var server = await ApiServerFixture.StartAsync(configure: o => o with { PodExecHandler = exec });
        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRoot(), "charts", "spool", "crds"), "*.yaml"))
        {
            using var content = new StringContent(await File.ReadAllTextAsync(crd));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
            using var response = await server.Http.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", content);
            response.EnsureSuccessStatusCode();
        }

        var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath));
        var root = Path.Combine(Path.GetTempPath(), "spool-agent-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        foreach (var ns in new[] { Namespace, AgentOptions.DefaultNamespace })
        {
            await client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = ns } });
        }

        return new AgentHarness(server, client, root, exec);
    }

    public AgentOptions Options => new()
    {
        NodeName = Node,
        Identity = Node + "/test",
        KubeletRoot = KubeletRoot,
        DriveRootPrefix = Root,
        HostPathPrefix = Root,
        WriteRetryDelay = TimeSpan.FromMilliseconds(100),
        VolumeWait = TimeSpan.FromSeconds(1),
        ReclaimInterval = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>
    /// Starts the agent and returns once its first lists are in, because a job already assigned to this node at that moment
    /// is treated as left over from a previous process and handed back rather than taken up.
    /// </summary>
    public async Task StartAgentAsync(IDataPathEngine? engine = null)
    {
        var configuration = KubernetesClientConfiguration.FromKubeconfig(Server.KubeconfigPath);
        var context = new AgentContext(
            Client,
            Options,
            TimeProvider.System,
            new AgentLog(TextWriter.Synchronized(Log), TimeProvider.System),
            engine ?? new DataPathEngine(TimeProvider.System),
            new Spool.Agent.Host.Hooks.WebSocketPodExec(configuration),
            Metrics);
        Host = new AgentHost(context);
        _agent = Task.Run(() => Host.RunAsync(_stopping.Token, _hardStop.Token));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!Log.ToString().Contains("\"msg\":\"Watches synced\"", StringComparison.Ordinal))
        {
            if (_agent.IsCompleted || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the agent did not sync its watches: {Log}");
            }

            await Task.Delay(20);
        }
    }

    public async Task StopAgentAsync()
    {
        await _stopping.CancelAsync();
        if (_agent is not null)
        {
            await _agent.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>A pod that mounts claim "data" bound to PV "pv-data", and its CSI mount on the node filled with files.</summary>
    public async Task<(Pod Pod, string Mount)> CreateWorkloadAsync(string podName, int megabytes)
    {
        var pod = await Client.CreateAsync(new Pod
        {
            Metadata = new ObjectMeta { Name = podName, Namespace = Namespace },
            Spec = new PodSpec
            {
                NodeName = Node,
                Containers = [new Container { Name = "app", Image = "busybox" }],
                Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = "data" } }],
            },
        });
        var mount = Path.Combine(KubeletRoot, "pods", pod.Metadata.Uid!, "volumes", "kubernetes.io~csi", "pv-data", "mount");
        Directory.CreateDirectory(Path.Combine(mount, "sub", "deeper"));
        var random = new Random(7);
        var big = new byte[megabytes << 20];
        random.NextBytes(big);
        await File.WriteAllBytesAsync(Path.Combine(mount, "big.bin"), big);
        for (var i = 0; i < 50; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(mount, "sub", $"small-{i}.txt"), $"file {i}\n" + new string('x', i * 37));
        }

        await File.WriteAllTextAsync(Path.Combine(mount, "sub", "deeper", "note.md"), "# deep\n");
        Directory.CreateDirectory(Path.Combine(mount, "empty"));
        File.CreateSymbolicLink(Path.Combine(mount, "link-to-note"), "sub/deeper/note.md");
        return (pod, mount);
    }

    public async Task<TapeDrive> CreateDriveAsync(string name)
    {
        Directory.CreateDirectory(Path.Combine(Root, "drives", name));
        return await Client.CreateAsync(new TapeDrive
        {
            Metadata = new ObjectMeta { Name = name },
            Spec = new TapeDriveSpec { Type = Spool.Api.V1Alpha1.DriveType.Directory, Path = "/drives/" + name, BlockSizeBytes = 65536 },
        });
    }

    public async Task<BackupJob> CreateBackupJobAsync(string name, BackupHooks? hooks = null)
    {
        return await Client.CreateAsync(new BackupJob
        {
            Metadata = new ObjectMeta { Name = name, Namespace = Namespace, Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = Node } },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { PersistentVolumeClaim = "data", Hooks = hooks },
                Destination = new BackupDestination { Drives = ["td-0"] },
                Checkpoint = new CheckpointPolicy { IntervalBytes = 1 << 20, IntervalSeconds = 1 },
            },
        });
    }

    /// <summary>What the operator does at assignment: the drive claim, then one status update placing the job.</summary>
    public async Task<BackupJob> AssignBackupAsync(BackupJob job, Pod pod, long epoch, string node, string drive)
    {
        await ClaimAsync(drive, BackupJob.KindValue, job.Metadata.Name!, job.Metadata.Uid, epoch, node);
        var current = (await Client.GetAsync<BackupJob>(job.Metadata.Name!, Namespace))!;
        var status = current.Status ?? new BackupJobStatus();
        return await Client.UpdateStatusAsync(current with
        {
            Status = status with
            {
                Phase = BackupPhase.Running,
                Epoch = epoch,
                Node = node,
                BackupId = status.BackupId ?? Guid.NewGuid().ToString(),
                Segment = (int)epoch,
                Volume = new ResolvedVolume { Namespace = Namespace, PersistentVolumeClaim = "data", PersistentVolume = "pv-data", Pod = pod.Metadata.Name, PodUid = pod.Metadata.Uid, Node = node, Resolution = "RunningPod" },
                Drives = [new HeldDrive { Name = drive }],
                DriveSummary = drive,
                Attempts = [.. status.Attempts ?? [], new Attempt { Epoch = epoch, Node = node, Drives = [drive], Restart = "Fresh" }],
            },
        });
    }

    public async Task ClaimAsync(string drive, string kind, string jobName, string? jobUid, long epoch, string node)
    {
        var current = (await Client.GetAsync<TapeDrive>(drive))!;
        await Client.UpdateStatusAsync(current with
        {
            Status = (current.Status ?? new TapeDriveStatus()) with
            {
                Phase = DrivePhase.InUse,
                Holder = new DriveHolder { Job = $"{Namespace}/{jobName}", Kind = kind, JobUid = jobUid, Epoch = epoch, Node = node },
            },
        });
    }

    public async Task<T> WaitForAsync<T>(string name, Func<T, bool> condition, TimeSpan? timeout = null)
        where T : class, IKubernetesObject
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var item = await Client.GetAsync<T>(name, Namespace);
            if (item is not null && condition(item))
            {
                return item;
            }

            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {typeof(T).Name} {name}; last seen: {(item is null ? "<none>" : KubeJson.Serialize(item))}\nagent log:\n{Log}");
            }

            await Task.Delay(50);
        }
    }

    public static Dictionary<string, string> Snapshot(string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            result[relative] = entry.LinkTarget is { } target
                ? "link:" + target
                : entry is DirectoryInfo
                    ? "dir"
                    : "file:" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName)));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _hardStop.CancelAsync();
        if (_agent is not null)
        {
            try
            {
                await _agent.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
                // Hard stop at teardown.
            }
        }

        Client.Dispose();
        Metrics.Dispose();
        await Server.DisposeAsync();
        _stopping.Dispose();
        _hardStop.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Operator.sln) not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
