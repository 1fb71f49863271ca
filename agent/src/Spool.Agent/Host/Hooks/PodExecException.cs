namespace Spool.Agent.Host.Hooks;

/// <summary>The exec itself failed (no such container, connection refused), as opposed to the command exiting non-zero.</summary>
public sealed class PodExecException(string message, Exception? inner = null) : Exception(message, inner);
