namespace Spool.Operator.Decisions;

public enum SnapshotObjectKind
{
    HelperPod,
    CloneClaim,
    VolumeSnapshot,
}
