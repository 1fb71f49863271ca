using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

public sealed record UpdateRestoreJobStatus(JobRef Job, RestoreJobStatus Status, string? ExpectedResourceVersion) : UpdateJobStatus(Job, ExpectedResourceVersion);
