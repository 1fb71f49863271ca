namespace Spool.Operator.Decisions;

/// <summary>Sets a drive's phase to Failed, for example after an agent reported it failing. A spec change clears it.</summary>
public sealed record MarkDriveFailed(string Drive, string Reason, string Message, string? ExpectedResourceVersion) : OperatorAction;
