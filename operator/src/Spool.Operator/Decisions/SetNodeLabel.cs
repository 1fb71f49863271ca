namespace Spool.Operator.Decisions;

/// <summary>Sets the label <c>spool.dev/node</c> on the job, or removes it when <paramref name="Node"/> is null.</summary>
public sealed record SetNodeLabel(JobRef Job, string? Node, string? ExpectedResourceVersion) : OperatorAction;
