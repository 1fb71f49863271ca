using System.Diagnostics;
using Spool.Agent.Host.Jobs;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>The real <c>spool-agent run</c> process against the embedded API server.</summary>
[Category("Component")]
public sealed class AgentProcessTests
{
    [Test]
    public async Task Sigterm_mid_job_hands_the_job_back_and_exits_cleanly()
    {
        await using var harness = await AgentHarness.StartAsync();
        var (pod, _) = await harness.CreateWorkloadAsync("db-0", megabytes: 1);
        await harness.CreateDriveAsync("td-0");
        var job = await harness.CreateBackupJobAsync("nightly", new BackupHooks
        {
            Pre = [new ExecHook { Command = ["block", "until", "released"], TimeoutSeconds = 120 }],
            Post = [new ExecHook { Command = ["unfreeze"] }],
        });
        var output = new AgentOutput();
        using var agent = StartProcess(harness, output);
        try
        {
            await output.WaitForAsync("Watches synced", TimeSpan.FromSeconds(60));
            await harness.AssignBackupAsync(job, pod, epoch: 1, AgentHarness.Node, "td-0");
            await harness.Exec.Blocked.WaitAsync(TimeSpan.FromSeconds(60));

            using (var kill = Process.Start("kill", ["-TERM", agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var handedBack = await harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report is not null, TimeSpan.FromSeconds(5));

            agent.ExitCode.Should().Be(0);
            handedBack.Status!.Report!.Outcome.Should().Be(ReportOutcomes.HandedBack);
            handedBack.Status.Report.Reason.Should().Be(ReportReasons.AgentShutdown);
            handedBack.Status.Report.Epoch.Should().Be(1);
            output.Text.Should().Contain("\"msg\":\"Handed job back\"");
            harness.Exec.Commands.Should().Contain(c => c.EndsWith(": unfreeze", StringComparison.Ordinal), "post hooks undo pre hooks even when the agent stops");
        }
        finally
        {
            harness.Exec.Release();
            if (!agent.HasExited)
            {
                agent.Kill();
            }
        }
    }

    [Test]
    public async Task The_process_renews_its_node_lease_and_logs_json_lines()
    {
        await using var harness = await AgentHarness.StartAsync();
        var output = new AgentOutput();
        using var agent = StartProcess(harness, output);
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Spool.Api.Core.Lease? lease = null;
            while (lease?.Spec.RenewTime is null || lease.Spec.RenewTime == lease.Spec.AcquireTime)
            {
                await Task.Delay(100, deadline.Token);
                lease = await harness.Client.GetAsync<Spool.Api.Core.Lease>("spool-agent-" + AgentHarness.Node, "spool-system");
            }

            lease.Spec.HolderIdentity.Should().Be(AgentHarness.Node + "/spool-agent-test-pod");
            agent.Kill();
            await agent.WaitForExitAsync();
            var firstLine = output.Text.Split('\n')[0];
            using var json = System.Text.Json.JsonDocument.Parse(firstLine);
            json.RootElement.GetProperty("msg").GetString().Should().Be("Agent starting");
            json.RootElement.GetProperty("node").GetString().Should().Be(AgentHarness.Node);
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill();
            }
        }
    }

    private static Process StartProcess(AgentHarness harness, AgentOutput output)
    {
        var dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "spool-agent.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "run", "--kubeconfig", harness.Server.KubeconfigPath, "--kubelet-root", harness.KubeletRoot, "--drive-root-prefix", harness.Root, "--lease-renew-seconds", "0.5" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NODE_NAME"] = AgentHarness.Node;
        start.Environment["POD_NAME"] = "spool-agent-test-pod";
        start.Environment["POD_NAMESPACE"] = "spool-system";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        TestContext.CurrentContext.CancellationToken.Register(() => TestContext.Out.WriteLine(output.Text));
        return process;
    }
}
