using System.Diagnostics;

namespace Spool.Testing;

/// <summary>
/// Locates the real clients the tests judge the API server with: kubectl and helm in <c>.tools/bin</c> and
/// <c>/usr/bin/python3</c> with the kubernetes module. Missing tools are installed once with
/// <c>tools/install-clients.sh</c>; if they are still missing, callers get an exception (tests fail, never skip).
/// </summary>
public static class ClientTools
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool installAttempted;

    public const string Python = "/usr/bin/python3";

    public static string RepoRoot => Root.Value;

    public static string KubectlPath => Path.Combine(RepoRoot, ".tools", "bin", "kubectl");

    public static string HelmPath => Path.Combine(RepoRoot, ".tools", "bin", "helm");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("Cannot find the repository root (a folder containing Operator.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>Makes sure kubectl, helm and the Python client exist, installing them once if needed.</summary>
    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        if (await AllPresentAsync(cancellationToken))
        {
            return;
        }

        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (!installAttempted && !await AllPresentAsync(cancellationToken))
            {
                installAttempted = true;
                var script = Path.Combine(RepoRoot, "tools", "install-clients.sh");
                var result = await RunAsync("bash", [script], null, TimeSpan.FromMinutes(10), cancellationToken: cancellationToken);
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException("tools/install-clients.sh failed; kubectl, helm or python3-kubernetes cannot be installed.\n" + result);
                }
            }
        }
        finally
        {
            InstallLock.Release();
        }

        if (!File.Exists(KubectlPath) || !File.Exists(HelmPath))
        {
            throw new InvalidOperationException($"kubectl or helm is missing in {Path.GetDirectoryName(KubectlPath)} after running tools/install-clients.sh");
        }

        if (!await PythonClientPresentAsync(cancellationToken))
        {
            throw new InvalidOperationException($"{Python} cannot import the kubernetes module after running tools/install-clients.sh (Debian package python3-kubernetes)");
        }
    }

    private static async Task<bool> AllPresentAsync(CancellationToken cancellationToken) =>
        File.Exists(KubectlPath) && File.Exists(HelmPath) && await PythonClientPresentAsync(cancellationToken);

    private static async Task<bool> PythonClientPresentAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        var r = await RunAsync(Python, ["-c", "import kubernetes"], null, TimeSpan.FromSeconds(60), cancellationToken: cancellationToken);
        return r.ExitCode == 0;
    }

    public static async Task<ClientToolResult> KubectlAsync(string kubeconfig, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await EnsureInstalledAsync(cancellationToken);
        return await RunAsync(KubectlPath, ["--kubeconfig", kubeconfig, .. args], stdin, timeout ?? TimeSpan.FromSeconds(60), cancellationToken: cancellationToken);
    }

    public static async Task<ClientToolResult> HelmAsync(string kubeconfig, IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await EnsureInstalledAsync(cancellationToken);
        var home = Path.Combine(Path.GetTempPath(), "spool-helm-home");
        var env = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = kubeconfig,
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        };
        return await RunAsync(HelmPath, ["--kubeconfig", kubeconfig, .. args], null, timeout ?? TimeSpan.FromSeconds(120), env, cancellationToken);
    }

    public static async Task<ClientToolResult> PythonAsync(string script, IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await EnsureInstalledAsync(cancellationToken);
        return await RunAsync(Python, ["-c", script, .. args], null, timeout ?? TimeSpan.FromSeconds(120), cancellationToken: cancellationToken);
    }

    /// <summary>Runs a process to completion, killing it (and failing) when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<ClientToolResult> RunAsync(string file, IEnumerable<string> args, string? stdin, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        using var process = Start(file, args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish within {timeout}");
        }

        return new ClientToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running process (e.g. <c>kubectl get -w</c>) with redirected streams; the caller kills it.</summary>
    public static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                info.Environment[k] = v;
            }
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Cannot start " + file);
    }
}
