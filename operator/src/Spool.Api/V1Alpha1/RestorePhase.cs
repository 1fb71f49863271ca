namespace Spool.Api.V1Alpha1;

public enum RestorePhase
{
    Pending,
    Waiting,
    Running,
    Succeeded,
    PartiallySucceeded,
    Failed,
}
