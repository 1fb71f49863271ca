namespace Spool.Api.V1Alpha1;

public enum SelectorTarget
{
    PersistentVolumeClaims,
    Workloads,
}
