using System.Diagnostics;

namespace Spool.Bench.DataPath;

internal static class Shell
{
    public static (int Code, string Output) Run(string command, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    public static void Must(string command, IDictionary<string, string>? env = null)
    {
        var (code, output) = Run(command, env);
        if (code != 0)
        {
            throw new InvalidOperationException($"`{command}` failed ({code}): {output}");
        }
    }

    public static double Time(string command, IDictionary<string, string>? env = null)
    {
        var sw = Stopwatch.StartNew();
        Must(command, env);
        return sw.Elapsed.TotalSeconds;
    }
}
