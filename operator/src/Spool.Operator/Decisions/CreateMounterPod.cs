using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>Starts a short-lived pod that mounts an idle claim on a node that reaches a free drive.</summary>
public sealed record CreateMounterPod(JobRef Job, Pod Pod) : OperatorAction;
