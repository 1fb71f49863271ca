using System.Text;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>Collects an agent process's output lines and lets a test wait for a log message.</summary>
public sealed class AgentOutput
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Needle, TaskCompletionSource Seen)> _waiters = [];

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _text.Append(line).Append('\n');
            foreach (var (needle, seen) in _waiters.Where(w => line.Contains(w.Needle, StringComparison.Ordinal)))
            {
                seen.TrySetResult();
            }
        }
    }

    public async Task WaitForAsync(string needle, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_text.ToString().Contains(needle, StringComparison.Ordinal))
            {
                return;
            }

            _waiters.Add((needle, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the agent did not log \"{needle}\" within {timeout.TotalSeconds:0}s; output:\n{Text}");
        }
    }
}
