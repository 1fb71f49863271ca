namespace Spool.Agent.Host.Jobs;

/// <summary>Reasons the agent writes into <c>status.report.reason</c>.</summary>
public static class ReportReasons
{
    public const string Completed = "Completed";
    public const string AgentRestarted = "AgentRestarted";
    public const string AgentShutdown = "AgentShutdown";
    public const string LeaseLost = "LeaseLost";
    public const string VolumeNotFound = "VolumeNotFound";
    public const string SecretNotFound = "SecretNotFound";
    public const string SecretInvalid = "SecretInvalid";
    public const string DriveNotFound = "DriveNotFound";
    public const string DriveFailed = "DriveFailed";
    public const string HookFailed = "HookFailed";
    public const string SnapshotFailed = "SnapshotFailed";
    public const string SnapshotCloneNotFound = "SnapshotCloneNotFound";
    public const string CheckpointUnusable = "CheckpointUnusable";
    public const string VerifyFailed = "VerifyFailed";
    public const string StreamFailed = "StreamFailed";
    public const string RestoreFailed = "RestoreFailed";
    public const string TargetConflict = "TargetConflict";
    public const string BackupNotFound = "BackupNotFound";
}
