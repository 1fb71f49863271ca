namespace Spool.Operator.Decisions;

/// <summary>Condition, attempt and Event reasons of the job life cycle (the node and claim ones live in <see cref="NodeHealth"/> and <see cref="OwnerResolver"/>).</summary>
public static class Reasons
{
    public const string Running = "Running";

    public const string WaitingForDrive = "WaitingForDrive";

    public const string NodeBusy = "NodeBusy";

    public const string NoReachableDrive = "NoReachableDrive";

    public const string DrivesUnavailable = "DrivesUnavailable";

    public const string MounterPodStarting = "MounterPodStarting";

    public const string NoNodeForMounter = "NoNodeForMounter";

    public const string VolumeMoved = "VolumeMoved";

    public const string DriveFailed = "DriveFailed";

    public const string DriveOffline = "DriveOffline";

    public const string DriveLost = "DriveLost";

    public const string AgentFailed = "AgentFailed";

    public const string AgentHandedBack = "AgentHandedBack";

    public const string CheckpointUnusable = "CheckpointUnusable";

    public const string StaleWrite = "StaleWrite";

    public const string DeadlineExceeded = "DeadlineExceeded";
}
