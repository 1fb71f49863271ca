namespace Spool.Api.V1Alpha1;

public enum RestartPolicy
{
    Checkpoint,
    Fresh,
}
