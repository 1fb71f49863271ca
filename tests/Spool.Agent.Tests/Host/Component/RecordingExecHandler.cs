using System.Collections.Concurrent;
using Spool.ApiServer;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>
/// pods/exec for the embedded server: records each command; a command whose first word is "fail" exits 3, and one
/// whose first word is "block" runs until <see cref="Release"/>.
/// </summary>
public sealed class RecordingExecHandler : IPodExecHandler
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Completes when a "block" command is running.</summary>
    public Task Blocked => _blocked.Task;

    public void Release() => _released.TrySetResult();

    public async Task<PodExecResult> ExecAsync(PodExecRequest request, CancellationToken cancellationToken)
    {
        Commands.Enqueue($"{request.Namespace}/{request.PodName}/{request.Container}: {string.Join(' ', request.Command)}");
        if (request.Command[0] == "block")
        {
            _blocked.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }

        return request.Command[0] == "fail"
            ? new PodExecResult(3, "", "frozen already")
            : new PodExecResult(0, "ok", "");
    }
}
