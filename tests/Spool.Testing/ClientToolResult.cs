namespace Spool.Testing;

/// <summary>Outcome of running an external client (kubectl, helm, python).</summary>
public sealed record ClientToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
