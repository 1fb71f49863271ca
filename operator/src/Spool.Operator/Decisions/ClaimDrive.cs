using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// Writes <c>TapeDrive.status.holder</c> (and the drive operation log) with the drive's resourceVersion as precondition.
/// The drive is free or already held by the same job; a conflict means another job won, and the job re-queues.
/// </summary>
public sealed record ClaimDrive(string Drive, DriveHolder Holder, PendingDriveOperation? PendingOperation, string? ExpectedResourceVersion) : OperatorAction;
