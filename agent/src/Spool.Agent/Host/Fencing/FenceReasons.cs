namespace Spool.Agent.Host.Fencing;

public static class FenceReasons
{
    public const string JobDeleted = "JobDeleted";
    public const string EpochChanged = "EpochChanged";
    public const string NodeChanged = "NodeChanged";
    public const string NotRunning = "NotRunning";
    public const string DriveClaimLost = "DriveClaimLost";
    public const string LeaseLost = "LeaseLost";
}
