using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>Creates the claim cloned from a job's VolumeSnapshot (CSISnapshot mode).</summary>
public sealed record CreateSnapshotClone(JobRef Job, PersistentVolumeClaim Claim) : OperatorAction;
