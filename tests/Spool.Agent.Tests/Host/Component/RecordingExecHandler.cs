using System.Collections.Concurrent;
using Spool.ApiServer;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>pods/exec for the embedded server: records each command; a command whose first word is "fail" exits 3.</summary>
public sealed class RecordingExecHandler : IPodExecHandler
{
    public ConcurrentQueue<string> Commands { get; } = new();

    public Task<PodExecResult> ExecAsync(PodExecRequest request, CancellationToken cancellationToken)
    {
        Commands.Enqueue($"{request.Namespace}/{request.PodName}/{request.Container}: {string.Join(' ', request.Command)}");
        return Task.FromResult(request.Command[0] == "fail"
            ? new PodExecResult(3, "", "frozen already")
            : new PodExecResult(0, "ok", ""));
    }
}
