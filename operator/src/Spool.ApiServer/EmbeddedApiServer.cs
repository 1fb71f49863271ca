using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Spool.ApiServer;

/// <summary>
/// A Kubernetes API server for tests and the local cluster: Kestrel on 127.0.0.1, generic JSON storage,
/// CRDs, watch, patches and optional persistence. It writes a kubeconfig for real clients on start.
/// It authenticates nobody and authorises everything: bearer tokens are accepted and ignored.
/// </summary>
public sealed class EmbeddedApiServer : IAsyncDisposable
{
    private readonly EmbeddedApiServerOptions options;
    private WebApplication? app;
    private ObjectStore? store;

    public EmbeddedApiServer(EmbeddedApiServerOptions? options = null)
    {
        this.options = options ?? new EmbeddedApiServerOptions();
        KubeconfigPath = this.options.KubeconfigPath ?? Path.Combine(Path.GetTempPath(), "spool-apiserver-" + Guid.NewGuid().ToString("N") + ".kubeconfig");
    }

    /// <summary>http://127.0.0.1:port once started.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public string KubeconfigPath { get; }

    public EmbeddedApiServerOptions Options => options;

    /// <summary>The storage and object semantics, for in-process callers (e.g. the embedded cluster or benchmarks).</summary>
    public ResourceService Resources { get; private set; } = null!;

    public bool IsRunning => app is not null;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (app is not null)
        {
            throw new InvalidOperationException("The server is already running");
        }

        store = new ObjectStore(options.WatchHistorySize, options.WatchBufferSize, options.PersistenceDirectory);
        var registry = new ResourceRegistry(BuiltinResources.All);
        Resources = new ResourceService(store, registry, options.TimeProvider);
        Resources.Bootstrap();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(EmbeddedApiServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.AllowSynchronousIO = false;
        });
        builder.Services.AddRouting();
        var built = builder.Build();
        var handler = new ApiRequestHandler(Resources, options, () => BaseAddress.Authority);
        built.UseWebSockets();
        if (options.RequestObserver is { } observe)
        {
            built.Use((context, next) =>
            {
                var request = context.Request;
                observe(new ApiRequestRecord(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", request.Headers.UserAgent.ToString()));
                return next(context);
            });
        }

        built.Run(handler.HandleAsync);
        await built.StartAsync(cancellationToken);
        app = built;
        var addresses = built.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var port = new Uri(addresses.First()).Port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        WriteKubeconfig();
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var running = app;
        if (running is null)
        {
            return;
        }

        app = null;
        store?.CloseAllWatchers();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await running.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Lingering connections are cut when the host is disposed.
        }

        await running.DisposeAsync();
        store?.Dispose();
        store = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (options.KubeconfigPath is null && File.Exists(KubeconfigPath))
        {
            File.Delete(KubeconfigPath);
        }
    }

    private void WriteKubeconfig()
    {
        var name = options.ContextName;
        var server = BaseAddress.ToString().TrimEnd('/');
        var text = new StringBuilder()
            .Append("apiVersion: v1\n")
            .Append("kind: Config\n")
            .Append("clusters:\n")
            .Append("- name: ").Append(name).Append('\n')
            .Append("  cluster:\n")
            .Append("    server: ").Append(server).Append('\n')
            .Append("contexts:\n")
            .Append("- name: ").Append(name).Append('\n')
            .Append("  context:\n")
            .Append("    cluster: ").Append(name).Append('\n')
            .Append("    user: ").Append(name).Append('\n')
            .Append("    namespace: default\n")
            .Append("current-context: ").Append(name).Append('\n')
            .Append("preferences: {}\n")
            .Append("users:\n")
            .Append("- name: ").Append(name).Append('\n')
            .Append("  user:\n")
            .Append("    token: ").Append(options.BearerToken).Append('\n')
            .ToString();
        var directory = Path.GetDirectoryName(Path.GetFullPath(KubeconfigPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var tmp = KubeconfigPath + ".tmp";
        File.WriteAllText(tmp, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(tmp, KubeconfigPath, true);
    }
}
