using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Spool.Agent.Host;

/// <summary><c>/healthz</c> (the node Lease is held), <c>/readyz</c> and <c>/metrics</c> on the optional health port.</summary>
public static class HealthServer
{
    public static async Task<WebApplication> StartAsync(int port, AgentHost host, AgentContext context, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        var app = builder.Build();
        app.MapGet("/healthz", () => host.Heartbeat.IsHealthy
            ? Results.Text("ok\n")
            : Results.Text("node lease not renewed\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/readyz", () => Results.Text("ok\n"));
        app.MapGet("/metrics", () => Results.Text(context.Metrics.Exposition(), "text/plain; version=0.0.4"));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        context.Log.Info("Health endpoint listening", "port", port);
        return app;
    }
}
