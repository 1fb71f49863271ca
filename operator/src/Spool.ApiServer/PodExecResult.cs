namespace Spool.ApiServer;

/// <summary>Outcome of a pods/exec call.</summary>
public sealed record PodExecResult(int ExitCode, string Stdout, string Stderr);
