namespace Spool.Api.V1Alpha1;

public enum BackupPhase
{
    /// <summary>Accepted, not yet placed.</summary>
    Pending,

    /// <summary>Placed or waiting for a volume owner or a drive; conditions say why.</summary>
    Waiting,

    /// <summary>An agent streams on the assigned node.</summary>
    Running,

    /// <summary>Federated run: the end-of-run check and the recovery of missed volumes.</summary>
    Verifying,

    Succeeded,

    /// <summary>Federated run with allowPartialSuccess: some expected volumes were not captured.</summary>
    PartiallySucceeded,

    Failed,
}
