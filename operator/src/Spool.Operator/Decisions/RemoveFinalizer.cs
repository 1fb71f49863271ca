namespace Spool.Operator.Decisions;

public sealed record RemoveFinalizer(JobRef Job, string Finalizer, string? ExpectedResourceVersion) : OperatorAction;
