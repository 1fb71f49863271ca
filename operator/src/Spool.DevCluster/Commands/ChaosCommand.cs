using System.CommandLine;
using Spool.DevCluster.Scenario;

namespace Spool.DevCluster.Commands;

/// <summary><c>spool-dev chaos</c> (<c>make chaos</c>).</summary>
public static class ChaosCommand
{
    public static Command Create()
    {
        // Beside the demo's .spool, not inside it: a demo clears its own directory and refuses one it does not recognise.
        var dir = new Option<string>("--dir") { Description = "Cluster directory (wiped first)", DefaultValueFactory = _ => ".spool-chaos" };
        var faults = new Option<int>("--faults") { Description = "Faults to inject", DefaultValueFactory = _ => 20 };
        var size = new Option<int>("--size-mb") { Description = "Data to back up, in MiB", DefaultValueFactory = _ => 1024 };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault sequence and of the data", DefaultValueFactory = _ => 7 };
        var cpu = new Option<double>("--cpu-limit") { Description = "Agent CPU limit (fraction of a CPU period; 1 = unlimited)", DefaultValueFactory = _ => 0.5 };
        var command = new Command("chaos", "Soak: random faults during a 1 GiB backup, then restore and verify; reports bytes lost, bytes re-sent and fault-to-resume times")
        {
            dir, faults, size, seed, cpu,
        };
        command.SetAction(async (parse, cancellationToken) => await ChaosRunner.RunAsync(new ChaosOptions
        {
            Directory = parse.GetValue(dir)!,
            Faults = parse.GetValue(faults),
            DataBytes = (long)parse.GetValue(size) << 20,
            Seed = parse.GetValue(seed),
            AgentCpuLimit = parse.GetValue(cpu) >= 1 ? null : parse.GetValue(cpu),
        }, cancellationToken));
        return command;
    }
}
