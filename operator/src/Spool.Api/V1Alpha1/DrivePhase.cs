namespace Spool.Api.V1Alpha1;

public enum DrivePhase
{
    Available,
    InUse,
    Offline,
    Failed,
}
