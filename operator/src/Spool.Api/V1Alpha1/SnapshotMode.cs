namespace Spool.Api.V1Alpha1;

public enum SnapshotMode
{
    Live,
    CSISnapshot,
}
