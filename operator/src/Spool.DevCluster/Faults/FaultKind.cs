namespace Spool.DevCluster.Faults;

/// <summary>The faults the embedded cluster can inject; the CLI names are the kebab-case forms.</summary>
public enum FaultKind
{
    KillNode,
    PauseNode,
    ResumeNode,
    StartNode,
    KillAgent,
    DrainNode,
    UncordonNode,
    DriveOffline,
    DriveOnline,
    DriveFail,
    DriveRepair,
    RestartApiServer,
    KillOperatorLeader,
}
