using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spool.DevCluster.Faults;

namespace Spool.DevCluster.Control;

/// <summary>
/// Loopback HTTP endpoint of a running <c>spool-dev up</c>, so that <c>spool-dev fault ...</c> in another terminal reaches
/// the cluster's process supervisor. Its port is written to <c>&lt;dir&gt;/control</c>.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string controlFile;

    private ControlServer(WebApplication app, string controlFile)
    {
        this.app = app;
        this.controlFile = controlFile;
    }

    public int Port { get; private set; }

    public static async Task<ControlServer> StartAsync(DevCluster cluster, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/faults/{kind}", async (string kind, string? target, CancellationToken ct) =>
        {
            try
            {
                var record = await cluster.FaultAsync(FaultNames.Parse(kind), string.IsNullOrEmpty(target) ? null : target, ct);
                return Results.Json(new ControlAnswer(true, $"{record.Name}{(record.Target is null ? "" : " " + record.Target)}: {record.Detail}"));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
            {
                return Results.Json(new ControlAnswer(false, ex.Message), statusCode: StatusCodes.Status400BadRequest);
            }
        });
        app.MapGet("/status", async (CancellationToken ct) =>
        {
            var leader = await cluster.OperatorLeaderAsync(ct);
            var lines = cluster.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal)
                .Select(n => $"{n.Name}: {n.State}, agent pid {n.Agent?.Pid.ToString(CultureInfo.InvariantCulture) ?? "-"}{(n.Agent is { HasExited: true } ? " (exited)" : "")}, agent starts {n.AgentStarts}")
                .Concat(cluster.OperatorReplicas.Where(r => !r.Retired).Select(r => $"operator {r.Identity}: pid {r.Process?.Pid}{(leader?.StartsWith(r.Identity, StringComparison.Ordinal) == true ? " (leader)" : "")}"))
                .Append($"drives: {string.Join(", ", cluster.DriveNames)}")
                .Append($"kubectl: {cluster.KubectlHint}");
            return Results.Json(new ControlAnswer(true, string.Join('\n', lines)));
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new ControlServer(app, cluster.Layout.ControlFile) { Port = new Uri(address).Port };
        await File.WriteAllTextAsync(cluster.Layout.ControlFile, server.Port.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(controlFile))
        {
            File.Delete(controlFile);
        }

        await app.StopAsync();
        await app.DisposeAsync();
    }
}
