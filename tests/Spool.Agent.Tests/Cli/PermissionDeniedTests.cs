using System.Diagnostics;

namespace Spool.Agent.Tests.Cli;

/// <summary>
/// An unreadable file or directory is a warning that names it, never the end of the backup. Root reads everything, so when
/// the suite runs as root the CLI is started as the unprivileged user 65534 through setpriv, which is what makes the
/// permission bits bite.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PermissionDeniedTests
{
    private const int Nobody = 65534;

    [Test]
    public async Task Unreadable_entries_are_warnings_and_the_rest_is_backed_up_and_restorable()
    {
        var root = Path.Combine(Path.GetTempPath(), "spool-perm-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var src = Path.Combine(root, "src");
            Directory.CreateDirectory(Path.Combine(src, "open"));
            Directory.CreateDirectory(Path.Combine(src, "closed"));
            await File.WriteAllTextAsync(Path.Combine(src, "open", "a.txt"), "alpha");
            await File.WriteAllTextAsync(Path.Combine(src, "closed", "hidden.txt"), "not for us");
            await File.WriteAllTextAsync(Path.Combine(src, "secret.key"), "not for us either");
            await File.WriteAllBytesAsync(Path.Combine(src, "b.bin"), Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray());
            var drive = Path.Combine(root, "drive");
            Directory.CreateDirectory(drive);
            var output = Path.Combine(root, "out");
            Directory.CreateDirectory(output);
            OpenUpForTheUnprivilegedUser(root);
            File.SetUnixFileMode(Path.Combine(src, "secret.key"), UnixFileMode.None);
            File.SetUnixFileMode(Path.Combine(src, "closed"), UnixFileMode.None);

            var backup = await RunUnprivilegedAsync("backup", "create", "--source", src, "--drive", drive);

            backup.Code.Should().Be(0, backup.Stderr);
            backup.Stderr.Should().Contain("warning: PermissionDenied: secret.key").And.Contain("warning: PermissionDenied: closed");
            backup.Stdout.Should().Contain("2 warnings");
            var ls = await RunUnprivilegedAsync("backup", "ls", "--drive", drive);
            var id = ls.Stdout.Split('\n')[1].Split(' ')[0];
            (await RunUnprivilegedAsync("verify", "--drive", drive, "--backup", id)).Code.Should().Be(0);
            var restore = await RunUnprivilegedAsync("restore", "--drive", drive, "--backup", id, "--target", Path.Combine(output, "r"));
            restore.Code.Should().Be(0, restore.Stderr);
            (await File.ReadAllTextAsync(Path.Combine(output, "r", "open", "a.txt"))).Should().Be("alpha");
            (await File.ReadAllBytesAsync(Path.Combine(output, "r", "b.bin"))).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(src, "b.bin")));
            File.Exists(Path.Combine(output, "r", "secret.key")).Should().BeFalse("an unreadable file is not faked as empty");
            File.Exists(Path.Combine(output, "r", "closed", "hidden.txt")).Should().BeFalse();
        }
        finally
        {
            File.SetUnixFileMode(Path.Combine(root, "src", "closed"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(root, true);
        }
    }

    private static void OpenUpForTheUnprivilegedUser(string root)
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            File.SetUnixFileMode(path, Directory.Exists(path) ? (UnixFileMode)0b111_111_111 : (UnixFileMode)0b110_110_110);
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunUnprivilegedAsync(params string[] args)
    {
        if (Environment.UserName != "root")
        {
            return await SpoolAgentProcess.RunAsync(args);
        }

        File.Exists("/usr/bin/setpriv").Should().BeTrue("setpriv (util-linux) drops root for this test");
        var psi = new ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "dotnet", SpoolAgentProcess.Dll, .. args])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["HOME"] = Path.GetTempPath();
        psi.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
