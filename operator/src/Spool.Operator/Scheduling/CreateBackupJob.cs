using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Scheduling;

/// <summary>Create a scheduled BackupJob. Its name is deterministic, so AlreadyExists means a retried create already landed.</summary>
public sealed record CreateBackupJob(BackupJob Job) : OperatorAction;
