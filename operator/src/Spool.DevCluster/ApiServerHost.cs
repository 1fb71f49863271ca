using Spool.ApiServer;

namespace Spool.DevCluster;

/// <summary>
/// The embedded API server with its state on disk, so that it can be stopped and started again on the same port
/// (the restart-apiserver fault) without losing anything.
/// </summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly EmbeddedApiServerOptions baseOptions;
    private EmbeddedApiServer? server;

    public ApiServerHost(EmbeddedApiServerOptions options)
    {
        baseOptions = options;
        Port = options.Port;
    }

    public int Port { get; private set; }

    public bool Running => server is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            return;
        }

        var started = new EmbeddedApiServer(baseOptions with { Port = Port });
        await started.StartAsync(cancellationToken);
        Port = started.BaseAddress.Port;
        server = started;
    }

    public async Task StopAsync()
    {
        var running = server;
        server = null;
        if (running is not null)
        {
            await running.DisposeAsync();
        }
    }

    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        await StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
