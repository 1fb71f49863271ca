using System.Diagnostics;
using System.Globalization;

namespace Spool.DevCluster.Processes;

/// <summary>
/// One child process with its stdout and stderr appended to a log file. Kill is kill -9, Pause and Resume are
/// SIGSTOP and SIGCONT, so that faults look to the rest of the cluster exactly like the real thing.
/// </summary>
public sealed class ManagedProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly object logGate = new();
    private readonly object signalGate = new();
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(ProcessSpec spec, Process process, StreamWriter log, DateTimeOffset started)
    {
        Spec = spec;
        this.process = process;
        this.log = log;
        Started = started;
    }

    public ProcessSpec Spec { get; }

    public int Pid { get; private set; }

    public DateTimeOffset Started { get; }

    public bool Paused { get; private set; }

    /// <summary>Completes with the exit code when the process ends, however it ends.</summary>
    public Task<int> Exited => exited.Task;

    public bool HasExited => exited.Task.IsCompleted;

    public static ManagedProcess Start(ProcessSpec spec, TimeProvider timeProvider)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(spec.LogPath)!);
        var info = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory,
        };
        foreach (var arg in spec.Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(new FileStream(spec.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(spec, process, log, timeProvider.GetUtcNow());
        process.OutputDataReceived += (_, e) => managed.Append(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Append(e.Data);
        process.Exited += (_, _) => managed.OnExited();
        managed.Append($"--- start {spec.Name} at {managed.Started.ToString("O", CultureInfo.InvariantCulture)}: {spec.FileName} {string.Join(' ', spec.Arguments)}");
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {spec.Name}");
        }

        managed.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        Append($"--- exit {Spec.Name} pid={Pid} code={code}");
        exited.TrySetResult(code);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (logGate)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>kill -9. A paused process is killed too (SIGKILL needs no SIGCONT).</summary>
    public void Kill()
    {
        if (HasExited)
        {
            return;
        }

        try
        {
            Signals.Send(Pid, Signals.SigKill);
        }
        catch (InvalidOperationException) when (HasExited || !Signals.Exists(Pid))
        {
        }
    }

    /// <summary>SIGTERM, for an orderly shutdown.</summary>
    public void Terminate()
    {
        if (HasExited)
        {
            return;
        }

        if (Paused)
        {
            Resume();
        }

        try
        {
            Signals.Send(Pid, Signals.SigTerm);
        }
        catch (InvalidOperationException) when (HasExited || !Signals.Exists(Pid))
        {
        }
    }

    public void Pause()
    {
        lock (signalGate)
        {
            Signals.Send(Pid, Signals.SigStop);
            Paused = true;
        }
    }

    public void Resume()
    {
        lock (signalGate)
        {
            Signals.Send(Pid, Signals.SigCont);
            Paused = false;
        }
    }

    /// <summary>
    /// A CPU limit like a pod's <c>resources.limits.cpu</c> enforced by CFS quota: in every period the process runs for
    /// <paramref name="fraction"/> of it and is stopped for the rest. A process paused by a fault stays paused.
    /// </summary>
    public async Task ThrottleAsync(double fraction, TimeSpan period, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (fraction >= 1)
        {
            return;
        }

        var run = period * fraction;
        var stop = period - run;
        try
        {
            while (!HasExited && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(run, timeProvider, cancellationToken);
                if (!Signal(Signals.SigStop))
                {
                    return;
                }

                try
                {
                    await Task.Delay(stop, timeProvider, cancellationToken);
                }
                finally
                {
                    Signal(Signals.SigCont);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool Signal(int signal)
    {
        lock (signalGate)
        {
            if (Paused || HasExited)
            {
                return !HasExited;
            }

            try
            {
                Signals.Send(Pid, signal);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>SIGTERM, then kill -9 after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Terminate();
        var winner = await Task.WhenAny(Exited, Task.Delay(grace, timeProvider, cancellationToken));
        if (winner != Exited)
        {
            Kill();
            await Exited.WaitAsync(TimeSpan.FromSeconds(10), timeProvider, cancellationToken);
        }
    }

    public void Dispose()
    {
        Kill();
        try
        {
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
        lock (logGate)
        {
            log.Dispose();
        }
    }
}
