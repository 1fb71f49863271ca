namespace Spool.Agent.Host.Jobs;

/// <summary>A failure the agent reports as <c>report.outcome: Failed</c> with a machine-readable reason.</summary>
public sealed class AgentFailureException : Exception
{
    public AgentFailureException(string reason, string message, IReadOnlyList<string>? failedDrives = null, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        FailedDrives = failedDrives;
    }

    public string Reason { get; }

    /// <summary>Drives whose own fault this is (I/O error, missing directory, full with no next medium).</summary>
    public IReadOnlyList<string>? FailedDrives { get; }
}
