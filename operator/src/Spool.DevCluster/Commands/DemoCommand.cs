using System.CommandLine;
using Spool.DevCluster.Scenario;

namespace Spool.DevCluster.Commands;

/// <summary><c>spool-dev demo</c> (<c>make demo</c>).</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var dir = CommonOptions.Directory();
        var keep = new Option<bool>("--keep") { Description = "Leave the cluster running afterwards and print the kubectl command" };
        var size = new Option<int>("--size-mb") { Description = "Workload data to generate, in MiB", DefaultValueFactory = _ => 300 };
        var killAt = new Option<double>("--kill-at") { Description = "Fraction of the bytes after which the owner node is killed", DefaultValueFactory = _ => 0.35 };
        var interval = new Option<int>("--checkpoint-mb") { Description = "Checkpoint interval in MiB", DefaultValueFactory = _ => 16 };
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines instead of a progress bar" };
        var command = new Command("demo", "Back up a workload, kill its node mid-stream, resume on the new owner, restore and verify") { dir, keep, size, killAt, interval, plain };
        command.SetAction(async (parse, cancellationToken) => await DemoRunner.RunAsync(new DemoOptions
        {
            Directory = parse.GetValue(dir)!,
            Keep = parse.GetValue(keep),
            DataBytes = (long)parse.GetValue(size) << 20,
            KillAt = parse.GetValue(killAt),
            CheckpointBytes = (long)parse.GetValue(interval) << 20,
            Interactive = parse.GetValue(plain) ? false : null,
        }, cancellationToken));
        return command;
    }
}
