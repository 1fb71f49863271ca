namespace Spool.Operator.Decisions;

/// <summary>Replaces a job's status through the status subresource, with the observed resourceVersion as precondition.</summary>
public abstract record UpdateJobStatus(JobRef Job, string? ExpectedResourceVersion) : OperatorAction;
