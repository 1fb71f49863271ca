using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Rewrites <c>TapeDrive.status.pendingOperation</c> of a drive the job holds.</summary>
public sealed record RecordDriveOperation(string Drive, PendingDriveOperation Operation, string? ExpectedResourceVersion) : OperatorAction;
