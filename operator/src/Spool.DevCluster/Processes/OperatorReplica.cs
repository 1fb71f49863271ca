namespace Spool.DevCluster.Processes;

/// <summary>One operator replica slot. A retired slot (its replica was killed and replaced) is not restarted.</summary>
public sealed class OperatorReplica
{
    public OperatorReplica(string identity)
    {
        Identity = identity;
    }

    public string Identity { get; }

    public ManagedProcess? Process { get; set; }

    public bool Retired { get; set; }

    public DateTimeOffset? ExitedAt { get; set; }
}
