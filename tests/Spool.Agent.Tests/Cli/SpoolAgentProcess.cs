using System.Diagnostics;

namespace Spool.Agent.Tests.Cli;

/// <summary>Runs the built spool-agent as a real child process (<c>dotnet spool-agent.dll ...</c>).</summary>
public static class SpoolAgentProcess
{
    public static string Dll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "spool-agent.dll");
            File.Exists(path).Should().BeTrue($"spool-agent.dll is built next to the tests ({path})");
            return path;
        }
    }

    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
