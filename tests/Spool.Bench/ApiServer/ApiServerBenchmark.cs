using System.Diagnostics;
using System.Globalization;
using Spool.Api;
using Spool.Api.Core;
using Spool.Kube;
using Spool.Kube.Informers;
using Spool.Testing;

namespace Spool.Bench.ApiServer;

/// <summary>
/// The embedded API server and the informer: create throughput with concurrent clients, watch fan-out to many
/// watchers, and the sync time and memory of an informer over 10,000 objects.
/// </summary>
public static class ApiServerBenchmark
{
    private const string Namespace = "bench";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var objects = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        const int Writers = 8;
        const int Watchers = 10;
        const int WatchedCreates = 2_000;

        await using var server = await ApiServerFixture.StartAsync(cancellationToken: cancellationToken);
        var config = KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath) with { Qps = 100_000, Burst = 100_000 };
        using var client = new KubernetesClient(config);
        await client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = Namespace } }, cancellationToken);

        // Creates: several clients in parallel, as the operator and the agents write at once.
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            using var writer = new KubernetesClient(config);
            for (var i = w; i < objects; i += Writers)
            {
                await writer.CreateAsync(NewConfigMap($"cm-{i:D6}"), cancellationToken);
            }
        }, cancellationToken)));
        var createsPerSecond = objects / clock.Elapsed.TotalSeconds;

        // Watch fan-out: every watcher must see every create; events/s counts deliveries to all watchers.
        var list = await client.ListAsync<ConfigMap>(Namespace, new ListOptions { Limit = 1 }, cancellationToken);
        var fromVersion = list.Metadata.ResourceVersion;
        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var received = new long[Watchers];
        var watchers = Enumerable.Range(0, Watchers).Select(w => Task.Run(async () =>
        {
            using var watchClient = new KubernetesClient(config);
            var options = new WatchOptions { ResourceVersion = fromVersion, LabelSelector = "fanout=yes", AllowWatchBookmarks = false };
            await foreach (var change in watchClient.WatchAsync<ConfigMap>(Namespace, options, watchCancel.Token))
            {
                if (change.Type == WatchEventType.Added && Interlocked.Increment(ref received[w]) == WatchedCreates)
                {
                    return;
                }
            }
        }, cancellationToken)).ToList();

        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            using var writer = new KubernetesClient(config);
            for (var i = w; i < WatchedCreates; i += Writers)
            {
                await writer.CreateAsync(NewConfigMap($"fan-{i:D6}", fanout: true), cancellationToken);
            }
        }, cancellationToken)));
        var allSeen = Task.WhenAll(watchers);
        if (await Task.WhenAny(allSeen, Task.Delay(TimeSpan.FromMinutes(2), cancellationToken)) != allSeen)
        {
            Console.Error.WriteLine($"watchers saw only {string.Join(",", received)} of {WatchedCreates} events each");
            return 1;
        }

        var watchEventsPerSecond = (double)Watchers * WatchedCreates / clock.Elapsed.TotalSeconds;
        await watchCancel.CancelAsync();

        // Informer: LIST then WATCH over the objects created above; memory is what the informer keeps reachable.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        clock.Restart();
        await using var informer = new Informer<ConfigMap>(client, new InformerOptions<ConfigMap> { Namespace = Namespace, LabelSelector = "fanout!=yes" });
        _ = informer.Start(cancellationToken);
        await informer.WaitForSyncAsync(cancellationToken);
        var syncSeconds = clock.Elapsed.TotalSeconds;
        var count = informer.Store.List().Count;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        if (count != objects)
        {
            Console.Error.WriteLine($"informer synced {count} objects, expected {objects}");
            return 1;
        }

        Console.WriteLine(Line("bench: apiserver_creates_per_s {0:F0} 1/s", createsPerSecond));
        Console.WriteLine(Line("bench: apiserver_watch_events_per_s {0:F0} 1/s", watchEventsPerSecond));
        Console.WriteLine(Line("bench: informer_10k_sync_s {0:F2} s", syncSeconds * 10_000 / objects));
        Console.WriteLine(Line("bench: informer_10k_mb {0:F1} MB", (after - before) / 1048576.0 * 10_000 / objects));
        GC.KeepAlive(informer);
        return 0;
    }

    private static ConfigMap NewConfigMap(string name, bool fanout = false) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = Namespace,
            Labels = new Dictionary<string, string> { ["app"] = "bench", ["fanout"] = fanout ? "yes" : "no" },
        },
        Data = new Dictionary<string, string> { ["payload"] = new string('x', 256) },
    };

    private static string Line(string format, double value) => string.Format(CultureInfo.InvariantCulture, format, value);
}
