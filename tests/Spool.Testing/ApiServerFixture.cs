using System.Net.Http.Headers;
using Spool.ApiServer;

namespace Spool.Testing;

/// <summary>
/// Starts an <see cref="EmbeddedApiServer"/> on a free loopback port with a kubeconfig in a private temp folder,
/// and offers an authenticated HttpClient. Restart keeps the persistence folder so state survives.
/// </summary>
public sealed class ApiServerFixture : IAsyncDisposable
{
    private readonly EmbeddedApiServerOptions options;

    private ApiServerFixture(EmbeddedApiServerOptions options, string directory)
    {
        this.options = options;
        Directory = directory;
        Server = new EmbeddedApiServer(options);
    }

    public string Directory { get; }

    public EmbeddedApiServer Server { get; private set; }

    public string KubeconfigPath => Server.KubeconfigPath;

    public Uri BaseAddress => Server.BaseAddress;

    public HttpClient Http { get; private set; } = new();

    /// <param name="persistent">Keep state in a folder so <see cref="RestartAsync"/> brings it back.</param>
    public static async Task<ApiServerFixture> StartAsync(bool persistent = false, Func<EmbeddedApiServerOptions, EmbeddedApiServerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "spool-apiserver-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new EmbeddedApiServerOptions
        {
            Port = 0,
            KubeconfigPath = Path.Combine(directory, "kubeconfig"),
            PersistenceDirectory = persistent ? Path.Combine(directory, "state") : null,
        };
        if (configure is not null)
        {
            options = configure(options);
        }

        var fixture = new ApiServerFixture(options, directory);
        await fixture.Server.StartAsync(cancellationToken);
        fixture.Http = fixture.CreateClient();
        return fixture;
    }

    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.BearerToken);
        return client;
    }

    /// <summary>Stops the server and starts a new one with the same options (a new port; the kubeconfig is rewritten).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await Server.StopAsync(cancellationToken);
        Http.Dispose();
        Server = new EmbeddedApiServer(options);
        await Server.StartAsync(cancellationToken);
        Http = CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, true);
        }
        catch (IOException)
        {
            // Best effort: a process may still hold a file briefly.
        }
    }
}
