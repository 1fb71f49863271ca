using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Create a child RestoreJob of a federated restore. Its name is deterministic, so AlreadyExists means a retried create already landed.</summary>
public sealed record CreateRestoreJob(RestoreJob Job) : OperatorAction;
