using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>Starts the pod that mounts a job's snapshot clone on the job's node, for the agent to read.</summary>
public sealed record CreateSnapshotHelper(JobRef Job, Pod Pod) : OperatorAction;
