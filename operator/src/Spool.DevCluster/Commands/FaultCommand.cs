using System.CommandLine;
using Spool.DevCluster.Control;
using Spool.DevCluster.Faults;

namespace Spool.DevCluster.Commands;

/// <summary><c>spool-dev fault &lt;kind&gt; [target]</c> and <c>spool-dev status</c>, against a running <c>spool-dev up</c>.</summary>
public static class FaultCommand
{
    public static Command Create()
    {
        var dir = CommonOptions.Directory();
        var command = new Command("fault", "Inject a fault into a running cluster (spool-dev up)");
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            var name = FaultNames.Name(kind);
            var sub = new Command(name, Describe(kind)) { dir };
            Argument<string>? target = null;
            if (FaultNames.TargetsNode(kind) || FaultNames.TargetsDrive(kind))
            {
                target = new Argument<string>(FaultNames.TargetsNode(kind) ? "node" : "drive");
                sub.Add(target);
            }

            sub.SetAction(async (parse, cancellationToken) =>
            {
                var layout = StorageLayout.For(parse.GetValue(dir)!);
                var path = $"faults/{name}" + (target is null ? "" : "?target=" + Uri.EscapeDataString(parse.GetValue(target)!));
                var answer = await ControlClient.SendAsync(layout, HttpMethod.Post, path, cancellationToken);
                (answer.Ok ? Console.Out : Console.Error).WriteLine(answer.Message);
                if (answer.Ok)
                {
                    Console.WriteLine($"watch it: kubectl --kubeconfig {layout.Kubeconfig} get nodes,bj,td -w");
                }

                return answer.Ok ? 0 : 1;
            });
            command.Add(sub);
        }

        return command;
    }

    public static Command CreateStatus()
    {
        var dir = CommonOptions.Directory();
        var command = new Command("status", "Show the simulated nodes, agents and operator replicas of a running cluster") { dir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var answer = await ControlClient.SendAsync(StorageLayout.For(parse.GetValue(dir)!), HttpMethod.Get, "status", cancellationToken);
            (answer.Ok ? Console.Out : Console.Error).WriteLine(answer.Message);
            return answer.Ok ? 0 : 1;
        });
        return command;
    }

    private static string Describe(FaultKind kind) => kind switch
    {
        FaultKind.KillNode => "kill -9 the node's agent and stop its heartbeats: NotReady after the grace period, then its pods move",
        FaultKind.PauseNode => "SIGSTOP the node's agent and stop its heartbeats",
        FaultKind.ResumeNode => "SIGCONT a paused node's agent and resume its heartbeats",
        FaultKind.StartNode => "boot a killed node again (heartbeats and a new agent)",
        FaultKind.KillAgent => "kill -9 the node's agent only; it is restarted like a DaemonSet pod",
        FaultKind.DrainNode => "cordon the node; its workloads migrate",
        FaultKind.UncordonNode => "make the node schedulable again",
        FaultKind.DriveOffline => "set TapeDrive spec.offline=true",
        FaultKind.DriveOnline => "set TapeDrive spec.offline=false",
        FaultKind.DriveFail => "break the drive: its directory stops being one",
        FaultKind.DriveRepair => "replace a failed drive's medium with a fresh empty one",
        FaultKind.RestartApiServer => "stop the API server and start it again on the same port with its persisted state",
        FaultKind.KillOperatorLeader => "kill -9 the operator replica holding Lease spool-operator and start a replacement",
        _ => kind.ToString(),
    };
}
