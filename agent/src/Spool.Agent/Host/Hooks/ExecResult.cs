namespace Spool.Agent.Host.Hooks;

/// <summary>Outcome of a command run through pods/exec.</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr);
