namespace Spool.Operator.Decisions;

/// <summary>Deletes a helper pod, clone claim or VolumeSnapshot of CSISnapshot mode that no epoch needs any more.</summary>
public sealed record DeleteSnapshotObject(JobRef Job, SnapshotObjectKind Kind, string Namespace, string Name) : OperatorAction;
