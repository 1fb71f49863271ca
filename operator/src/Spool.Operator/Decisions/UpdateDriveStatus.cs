using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Replaces a drive's status (TapeDrive decider: phase, conditions, stale holders).</summary>
public sealed record UpdateDriveStatus(string Drive, TapeDriveStatus Status, string? ExpectedResourceVersion) : OperatorAction;
