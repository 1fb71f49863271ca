namespace Spool.ApiServer;

/// <summary>Runs a command "inside" a pod for <c>pods/exec</c>. The embedded cluster implements it with a local process.</summary>
public interface IPodExecHandler
{
    Task<PodExecResult> ExecAsync(PodExecRequest request, CancellationToken cancellationToken);
}
