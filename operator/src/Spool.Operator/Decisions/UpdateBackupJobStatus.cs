using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

public sealed record UpdateBackupJobStatus(JobRef Job, BackupJobStatus Status, string? ExpectedResourceVersion) : UpdateJobStatus(Job, ExpectedResourceVersion);
