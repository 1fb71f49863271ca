namespace Spool.Agent.Host.Hooks;

/// <summary>Runs a command in a pod's container through the pods/exec subresource.</summary>
public interface IPodExec
{
    Task<ExecResult> ExecAsync(string @namespace, string pod, string container, IReadOnlyList<string> command, CancellationToken cancellationToken);
}
