using System.CommandLine;
using System.Runtime.InteropServices;
using Spool.DevCluster.Control;

namespace Spool.DevCluster.Commands;

/// <summary><c>spool-dev up</c>: the embedded cluster in the foreground until Ctrl+C or SIGTERM.</summary>
public static class UpCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Simulated nodes", DefaultValueFactory = _ => 3 };
        var drives = new Option<int>("--drives") { Description = "Directory TapeDrives", DefaultValueFactory = _ => 2 };
        var dir = CommonOptions.Directory();
        var port = new Option<int>("--port") { Description = "API server port on 127.0.0.1 (0 picks one)", DefaultValueFactory = _ => 0 };
        var noProcesses = new Option<bool>("--no-processes") { Description = "Do not start the operator replicas and the agents" };
        var command = new Command("up", "Start the embedded cluster: API server, simulated nodes, workload controller, drives, 2 operator replicas, one agent per node")
        {
            nodes, drives, dir, port, noProcesses,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new DevClusterOptions
            {
                Nodes = parse.GetValue(nodes),
                Drives = parse.GetValue(drives),
                Directory = parse.GetValue(dir)!,
                Port = parse.GetValue(port),
                StartProcesses = !parse.GetValue(noProcesses),
                ConsoleLog = true,
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                stop.Cancel();
            });
            await using var cluster = await DevCluster.StartAsync(options, cancellationToken);
            await using var control = await ControlServer.StartAsync(cluster, cancellationToken);
            Console.WriteLine($"spool-dev: cluster up in {cluster.Layout.Root} (API server 127.0.0.1:{cluster.ApiPort}, control port {control.Port})");
            Console.WriteLine($"  {cluster.KubectlHint} get nodes,bj,rj,td");
            Console.WriteLine($"  spool-dev fault kill-node node-1 --dir {options.Directory}    (see spool-dev fault --help)");
            Console.WriteLine("  logs: " + cluster.Layout.LogDirectory);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("spool-dev: shutting down");
            return 0;
        });
        return command;
    }
}
