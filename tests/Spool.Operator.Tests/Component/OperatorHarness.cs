using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Operator.Controllers;
using Spool.Operator.Decisions;
using Spool.Testing;

namespace Spool.Operator.Tests.Component;

/// <summary>
/// The embedded API server with Spool's CRDs, a client, and the operator's controllers in process on fake time. The
/// test plays the agents (node Leases, checkpoints, reports) and the kubelet (pods, node conditions) by writing
/// objects; <see cref="EventuallyAsync{T}"/> moves fake time forward while it waits, so that timed re-queues fire.
/// </summary>
public sealed class OperatorHarness : IAsyncDisposable
{
    public const string Namespace = "apps";
    public const string AgentNamespace = "spool-system";

    private readonly List<(CancellationTokenSource Stop, Task Run, SpoolControllers Controllers)> _operators = [];

    private OperatorHarness(ApiServerFixture server, KubernetesClient client)
    {
        Server = server;
        Client = client;
    }

    public ApiServerFixture Server { get; }

    public KubernetesClient Client { get; }

    public ManualTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public OperatorSettings Settings { get; } = new() { AgentNamespace = AgentNamespace, MinBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(5) };

    public SpoolControllers Operator => _operators[^1].Controllers;

    public static async Task<OperatorHarness> StartAsync()
    {
        var server = await ApiServerFixture.StartAsync();
        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRoot(), "charts", "spool", "crds"), "*.yaml"))
        {
            using var content = new StringContent(await File.ReadAllTextAsync(crd));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
            using var response = await server.Http.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", content);
            response.EnsureSuccessStatusCode();
        }

        var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath));
        foreach (var ns in new[] { Namespace, AgentNamespace })
        {
            await client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = ns } });
        }

        return new OperatorHarness(server, client);
    }

    /// <summary>Starts a fresh operator (new informers, queues and caches), as a newly elected leader would.</summary>
    public async Task<SpoolControllers> StartOperatorAsync(ILoggerFactory? loggers = null)
    {
        var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(Server.KubeconfigPath));
        var controllers = new SpoolControllers(client, Settings, loggers ?? NullLoggerFactory.Instance, Time, workers: 2, instance: $"test-{_operators.Count}");
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => controllers.RunAsync(stop.Token));
        _operators.Add((stop, run, controllers));
        await controllers.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return controllers;
    }

    /// <summary>Stops the newest operator, as a leader that dies would, and waits for its workers.</summary>
    public async Task StopOperatorAsync()
    {
        var (stop, run, controllers) = _operators[^1];
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        await controllers.DisposeAsync();
    }

    public async Task<Node> CreateNodeAsync(string name, bool ready = true, IReadOnlyDictionary<string, string>? labels = null) =>
        await Client.CreateAsync(new Node
        {
            Metadata = new ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
            Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
        });

    public async Task SetNodeReadyAsync(string name, bool ready)
    {
        var node = (await Client.GetAsync<Node>(name))!;
        await Client.UpdateStatusAsync(node with { Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }] } });
    }

    /// <summary>Creates or renews the agent Lease of a node at the harness' fake now, as read on a node clock off by <paramref name="skew"/>.</summary>
    public async Task RenewLeaseAsync(string node, int seconds = 6, TimeSpan skew = default)
    {
        var name = "spool-agent-" + node;
        var existing = await Client.GetAsync<Lease>(name, AgentNamespace);
        var nodeNow = Time.GetUtcNow() + skew;
        var spec = new LeaseSpec { HolderIdentity = node, LeaseDurationSeconds = seconds, RenewTime = nodeNow, AcquireTime = existing?.Spec.AcquireTime ?? nodeNow };
        if (existing is null)
        {
            await Client.CreateAsync(new Lease { Metadata = new ObjectMeta { Name = name, Namespace = AgentNamespace }, Spec = spec });
        }
        else
        {
            await Client.UpdateAsync(existing with { Spec = spec });
        }
    }

    public async Task<TapeDrive> CreateDriveAsync(string name, IReadOnlyList<string>? nodes = null) =>
        await Client.CreateAsync(new TapeDrive
        {
            Metadata = new ObjectMeta { Name = name },
            Spec = new TapeDriveSpec { Type = Spool.Api.V1Alpha1.DriveType.Directory, Path = "/tapes/" + name, Nodes = nodes },
        });

    public async Task CreateClaimAsync(string claim = "data", string volume = "pv-data")
    {
        await Client.CreateAsync(new PersistentVolume
        {
            Metadata = new ObjectMeta { Name = volume },
            Spec = new PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, string> { ["storage"] = "1Gi" },
                AccessModes = ["ReadWriteOnce"],
                HostPath = new HostPathVolumeSource { Path = "/data/" + volume },
                ClaimRef = new ObjectReference { Namespace = Namespace, Name = claim },
            },
        });
        var created = await Client.CreateAsync(new PersistentVolumeClaim
        {
            Metadata = new ObjectMeta { Name = claim, Namespace = Namespace },
            Spec = new PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                VolumeName = volume,
                Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = "1Gi" } },
            },
        });
        await Client.UpdateStatusAsync(created with { Status = new PersistentVolumeClaimStatus { Phase = "Bound" } });
    }

    /// <summary>A pod that mounts the claim, Running on the node.</summary>
    public async Task<Pod> RunPodAsync(string name, string node, string claim = "data")
    {
        var pod = await Client.CreateAsync(new Pod
        {
            Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
            Spec = new PodSpec
            {
                NodeName = node,
                Containers = [new Container { Name = "app", Image = "busybox" }],
                Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
            },
        });
        return await Client.UpdateStatusAsync(pod with { Status = new PodStatus { Phase = "Running" } });
    }

    public async Task DeletePodAsync(string name) =>
        await Client.DeleteAsync<Pod>(name, Namespace, new Spool.Kube.DeleteOptions { GracePeriodSeconds = 0 });

    public async Task<BackupJob> CreateBackupAsync(string name, IReadOnlyList<string> drives, string claim = "data", RestartPolicy restart = RestartPolicy.Checkpoint) =>
        await Client.CreateAsync(new BackupJob
        {
            Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { PersistentVolumeClaim = claim },
                Destination = new BackupDestination { Drives = drives },
                RestartPolicy = restart,
            },
        });

    public async Task<BackupJob> GetBackupAsync(string name) => (await Client.GetAsync<BackupJob>(name, Namespace))!;

    public async Task<TapeDrive> GetDriveAsync(string name) => (await Client.GetAsync<TapeDrive>(name))!;

    /// <summary>Plays the agent of the job's current epoch: writes a checkpoint with a verifying digest and progress.</summary>
    public async Task<CheckpointRecord> WriteCheckpointAsync(string job, long sequence, long bytes)
    {
        while (true)
        {
            var current = await GetBackupAsync(job);
            var status = current.Status!;
            var data = $"{{\"backupId\":\"{status.BackupId}\",\"sequence\":{sequence},\"bytes\":{bytes}}}";
            var checkpoint = new CheckpointRecord
            {
                Epoch = status.Epoch,
                Node = status.Node,
                Sequence = sequence,
                BytesDone = bytes,
                Data = data,
                Digest = Checkpoints.Digest(data),
                Time = Time.GetUtcNow(),
            };
            try
            {
                await Client.UpdateStatusAsync(current with { Status = status with { Checkpoint = checkpoint, Progress = new JobProgress { Epoch = status.Epoch, BytesDone = bytes + 1000 } } });
                return checkpoint;
            }
            catch (KubernetesConflictException)
            {
            }
        }
    }

    /// <summary>Writes an agent field as a stale agent would: at a given epoch, with a fresh resourceVersion.</summary>
    public async Task WriteStatusAsync(string job, Func<BackupJobStatus, BackupJobStatus> change)
    {
        while (true)
        {
            var current = await GetBackupAsync(job);
            try
            {
                await Client.UpdateStatusAsync(current with { Status = change(current.Status!) });
                return;
            }
            catch (KubernetesConflictException)
            {
            }
        }
    }

    /// <summary>
    /// Polls until <paramref name="probe"/> returns a value that satisfies <paramref name="condition"/>, advancing fake
    /// time by <paramref name="step"/> per poll so that the operator's timed re-queues come due.
    /// </summary>
    public async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? step = null, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(30));
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new AssertionException($"Timed out waiting for {what}; last value: {KubeJson.Serialize(last)}");
            }

            Time.Advance(step ?? TimeSpan.FromMilliseconds(100));
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }

    public Task<BackupJob> BackupEventuallyAsync(string name, Func<BackupJob, bool> condition, string what, TimeSpan? step = null) =>
        EventuallyAsync(() => GetBackupAsync(name), condition, what, step);

    public async Task<IReadOnlyList<CoreEvent>> EventsAsync(string involvedName) =>
        (await Client.ListAllAsync<CoreEvent>(Namespace)).Items.Where(e => e.InvolvedObject.Name == involvedName).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var (stop, run, controllers) in _operators)
        {
            if (!stop.IsCancellationRequested)
            {
                await stop.CancelAsync();
                try
                {
                    await run.WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (OperationCanceledException)
                {
                }

                await controllers.DisposeAsync();
            }

            stop.Dispose();
        }

        Client.Dispose();
        await Server.DisposeAsync();
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
