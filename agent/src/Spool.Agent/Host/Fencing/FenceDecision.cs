namespace Spool.Agent.Host.Fencing;

/// <summary>Whether the agent of an epoch may keep writing; <see cref="Reason"/> names what took the job away.</summary>
public sealed record FenceDecision(bool Fenced, string Reason, string Message)
{
    public static FenceDecision Continue { get; } = new(false, "", "");

    public static FenceDecision Fence(string reason, string message) => new(true, reason, message);
}
