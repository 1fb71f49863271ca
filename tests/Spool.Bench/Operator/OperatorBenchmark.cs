using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Operator.Controllers;
using Spool.Operator.Decisions;
using Spool.Testing;

namespace Spool.Bench.Operator;

/// <summary>
/// The operator at scale: 2,000 BackupJobs over 50 nodes and 20 drives on the embedded API server, with the operator
/// as its own process (<c>spool-operator run</c>, as a Deployment runs it). Measures the time until every job is placed
/// (Running with a drive) or queued (Waiting for a drive), the operator's API requests per job until then and its
/// status writes per running job per checkpoint interval while agents checkpoint (both counted by the API server from
/// the operator's User-Agent), and the operator process's peak resident memory (VmHWM).
/// </summary>
public static class OperatorBenchmark
{
    private const string Namespace = "bench";
    private const string AgentNamespace = "spool-system";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var jobs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2000;
        var nodes = 50;
        var drives = 20;
        var intervals = 5;
        var interval = TimeSpan.FromSeconds(1);

        var traffic = new OperatorTraffic();
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { RequestObserver = traffic.Observe }, cancellationToken: cancellationToken);
        foreach (var crd in Directory.GetFiles(Path.Combine(RepositoryRoot(), "charts", "spool", "crds"), "*.yaml"))
        {
            using var content = new StringContent(await File.ReadAllTextAsync(crd, cancellationToken));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
            using var response = await server.Http.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", content, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        var fast = KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath) with { Qps = 5000, Burst = 10000 };
        using var setup = new KubernetesClient(fast);
        foreach (var ns in new[] { Namespace, AgentNamespace })
        {
            await setup.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = ns } }, cancellationToken);
        }

        var now = DateTimeOffset.UtcNow;
        await ParallelAsync(Enumerable.Range(0, nodes), async i =>
        {
            var name = $"node-{i:D2}";
            await setup.CreateAsync(new Node
            {
                Metadata = new ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
                Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True" }] },
            }, cancellationToken);
            await setup.CreateAsync(new Lease
            {
                Metadata = new ObjectMeta { Name = "spool-agent-" + name, Namespace = AgentNamespace },
                Spec = new LeaseSpec { HolderIdentity = name, LeaseDurationSeconds = 3600, RenewTime = now, AcquireTime = now },
            }, cancellationToken);
        });
        await ParallelAsync(Enumerable.Range(0, drives), i => setup.CreateAsync(new TapeDrive
        {
            Metadata = new ObjectMeta { Name = $"td-{i:D2}", Labels = new Dictionary<string, string> { ["pool"] = "bench" } },
            Spec = new TapeDriveSpec { Path = $"/tapes/td-{i:D2}" },
        }, cancellationToken));

        // Local volumes pinned to their nodes: owner resolution by PV node affinity, no pods needed.
        await ParallelAsync(Enumerable.Range(0, jobs), async i =>
        {
            var node = $"node-{i % nodes:D2}";
            await setup.CreateAsync(new PersistentVolume
            {
                Metadata = new ObjectMeta { Name = $"pv-{i:D4}" },
                Spec = new PersistentVolumeSpec
                {
                    Capacity = new Dictionary<string, string> { ["storage"] = "1Gi" },
                    AccessModes = ["ReadWriteOnce"],
                    Local = new LocalVolumeSource { Path = $"/data/{i}" },
                    ClaimRef = new ObjectReference { Namespace = Namespace, Name = $"data-{i:D4}" },
                    NodeAffinity = new VolumeNodeAffinity
                    {
                        Required = new NodeSelector { NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = "kubernetes.io/hostname", Operator = "In", Values = [node] }] }] },
                    },
                },
            }, cancellationToken);
            await setup.CreateAsync(new PersistentVolumeClaim
            {
                Metadata = new ObjectMeta { Name = $"data-{i:D4}", Namespace = Namespace },
                Spec = new PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"], VolumeName = $"pv-{i:D4}", Resources = new VolumeResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = "1Gi" } } },
            }, cancellationToken);
        });

        using var operatorProcess = await OperatorProcess.StartAsync(RepositoryRoot(), server.KubeconfigPath, AgentNamespace, cancellationToken);
        var requestsBefore = traffic.Requests;

        var clock = Stopwatch.StartNew();
        await ParallelAsync(Enumerable.Range(0, jobs), i => setup.CreateAsync(new BackupJob
        {
            Metadata = new ObjectMeta { Name = $"job-{i:D4}", Namespace = Namespace },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { PersistentVolumeClaim = $"data-{i:D4}" },
                Destination = new BackupDestination { DriveSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["pool"] = "bench" } } },
                Priority = i % 3,
                Checkpoint = new CheckpointPolicy { IntervalSeconds = 1 },
            },
        }, cancellationToken));

        IReadOnlyList<BackupJob> current;
        while (true)
        {
            current = (await setup.ListAllAsync<BackupJob>(Namespace, cancellationToken: cancellationToken)).Items;
            if (current.Count == jobs && current.All(Settled))
            {
                break;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                Console.Error.WriteLine($"operator bench: {current.Count(Settled)} of {jobs} jobs settled after 10 minutes");
                return 1;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken);
        }

        var converge = clock.Elapsed;
        var placementRequests = traffic.Requests - requestsBefore;
        var running = current.Where(j => j.Status!.Phase == BackupPhase.Running).ToList();
        var held = (await setup.ListAllAsync<TapeDrive>(cancellationToken: cancellationToken)).Items.Count(d => d.Status?.Holder is not null);
        Console.WriteLine($"operator bench: {running.Count} running, {jobs - running.Count} queued, {held} of {drives} drives held");

        // Agents checkpoint every interval; the operator should write nothing for them.
        var writesBefore = traffic.JobStatusWrites;
        for (var round = 0; round < intervals; round++)
        {
            var tick = Stopwatch.StartNew();
            await ParallelAsync(running, async job =>
            {
                var fresh = (await setup.GetAsync<BackupJob>(job.Metadata.Name!, Namespace, cancellationToken))!;
                var status = fresh.Status!;
                var data = $"{{\"sequence\":{round + 1}}}";
                await setup.UpdateStatusAsync(fresh with
                {
                    Status = status with
                    {
                        Checkpoint = new CheckpointRecord { Epoch = status.Epoch, Node = status.Node, Sequence = round + 1, BytesDone = (round + 1) * 64L << 20, Data = data, Digest = Checkpoints.Digest(data), Time = DateTimeOffset.UtcNow },
                        Progress = new JobProgress { Epoch = status.Epoch, BytesDone = (round + 1) * 64L << 20 },
                    },
                }, cancellationToken);
            });
            var rest = interval - tick.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, TimeProvider.System, cancellationToken);
            }
        }

        await Task.Delay(interval, TimeProvider.System, cancellationToken);
        var writesPerInterval = running.Count == 0 ? 0 : (double)(traffic.JobStatusWrites - writesBefore) / (running.Count * intervals);
        var peakMb = operatorProcess.PeakResidentBytes() / (1024.0 * 1024.0);
        await operatorProcess.StopAsync(cancellationToken);
        Console.WriteLine($"bench: converge_{jobs}_jobs_s {converge.TotalSeconds:F2} s");
        Console.WriteLine($"bench: placement_requests_per_job {(double)placementRequests / jobs:F2}");
        Console.WriteLine($"bench: status_writes_per_job_per_interval {writesPerInterval:F3}");
        Console.WriteLine($"bench: operator_peak_mb {peakMb:F0} MB");
        Console.WriteLine($"operator bench: spool-operator run --workers 16 --kube-api-qps 0 (no client-side limit); peak resident memory of the operator process, which caches {jobs * 3 + nodes * 2 + drives} objects");
        return 0;
    }

    private static bool Settled(BackupJob job) =>
        job.Status is { } s
        && (s.Phase == BackupPhase.Running
            || (s.Phase == BackupPhase.Waiting && JobConditions.Find(s.Conditions, JobConditions.Ready)?.Reason is Reasons.WaitingForDrive or Reasons.NodeBusy));

    private static async Task ParallelAsync<T>(IEnumerable<T> items, Func<T, Task> body) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (item, _) => await body(item));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
