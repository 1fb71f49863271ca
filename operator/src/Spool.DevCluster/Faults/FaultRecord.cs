namespace Spool.DevCluster.Faults;

/// <summary>One injected fault: what, on what, when, and what it did (for example the operator replica killed).</summary>
public sealed record FaultRecord(FaultKind Kind, string? Target, DateTimeOffset Time, string Detail)
{
    public string Name => FaultNames.Name(Kind);
}
