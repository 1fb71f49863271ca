using System.Runtime.InteropServices;

namespace Spool.DevCluster.Processes;

/// <summary>POSIX signals the fault commands send: kill -9, SIGSTOP and SIGCONT.</summary>
public static partial class Signals
{
    public const int SigKill = 9;
    public const int SigCont = 18;
    public const int SigStop = 19;
    public const int SigTerm = 15;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {errno}");
        }
    }

    /// <summary>True when a process with this pid exists (signal 0).</summary>
    public static bool Exists(int pid) => Kill(pid, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
