namespace Spool.ApiServer.Tests;

/// <summary>An exec handler that reports what it was asked to run, so tests can see the protocol round trip.</summary>
internal sealed class EchoExecHandler : IPodExecHandler
{
    public Task<PodExecResult> ExecAsync(PodExecRequest request, CancellationToken cancellationToken)
    {
        var exit = request.Command.Count > 1 && request.Command[0] == "exit" ? int.Parse(request.Command[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return Task.FromResult(new PodExecResult(exit, $"pod={request.PodName} container={request.Container} cmd={string.Join(' ', request.Command)} stdin={request.Stdin}\n", exit == 0 ? string.Empty : "failing on purpose\n"));
    }
}
