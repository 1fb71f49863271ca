namespace Spool.Operator.Decisions;

public sealed record DeleteMounterPod(JobRef Job, string Namespace, string Name) : OperatorAction;
