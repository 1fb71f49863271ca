namespace Spool.Operator.Decisions;

public sealed record AddFinalizer(JobRef Job, string Finalizer, string? ExpectedResourceVersion) : OperatorAction;
