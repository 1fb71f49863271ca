namespace Spool.Kube;

public enum KubePatchType
{
    Merge,
    Json,
    Strategic,
    Apply,
}
