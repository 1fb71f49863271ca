using System.Diagnostics;
using System.Globalization;

namespace Spool.Bench.Operator;

/// <summary><c>spool-operator run</c> as a child process, without leader election, its log in a temp file.</summary>
public sealed class OperatorProcess : IDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StreamWriter log;

    private OperatorProcess(Process process, StreamWriter log)
    {
        this.process = process;
        this.log = log;
    }

    public string LogPath { get; private init; } = "";

    public static async Task<OperatorProcess> StartAsync(string repositoryRoot, string kubeconfig, string agentNamespace, CancellationToken cancellationToken)
    {
        // The configuration this benchmark was built with (bin/<configuration>/net10.0), which built the operator too.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(repositoryRoot, "operator", "src", "Spool.Operator", "bin", configuration, "net10.0", "spool-operator.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("build the operator first (make build)", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            dll, "run", "--kubeconfig", kubeconfig, "--namespace", agentNamespace, "--agent-namespace", agentNamespace,
            "--leader-elect=false", "--health-port", "-1", "--metrics-port", "-1", "--log-format", "text",
            "--workers", "16", "--kube-api-qps", "0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var logPath = Path.Combine(Path.GetTempPath(), $"spool-operator-bench-{Environment.ProcessId}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var child = Process.Start(start) ?? throw new InvalidOperationException("spool-operator did not start");
        var result = new OperatorProcess(child, log) { LogPath = logPath };
        child.OutputDataReceived += (_, e) => result.OnLine(e.Data);
        child.ErrorDataReceived += (_, e) => result.OnLine(e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        child.EnableRaisingEvents = true;
        child.Exited += (_, _) => result.synced.TrySetException(new InvalidOperationException($"spool-operator exited with {child.ExitCode}; log in {logPath}"));
        await result.synced.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return result;
    }

    /// <summary>Peak resident set size of the process so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmHWM in /proc/{process.Id}/status");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (process.HasExited)
        {
            return;
        }

        // SIGTERM: the operator stops its controllers and exits.
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync(cancellationToken);
        }

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        log.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }

        if (line.Contains("Informers synced", StringComparison.Ordinal))
        {
            synced.TrySetResult();
        }
    }
}
