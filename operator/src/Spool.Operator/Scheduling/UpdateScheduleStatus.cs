using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Scheduling;

/// <summary>Replace the schedule's status, with its resourceVersion as precondition.</summary>
public sealed record UpdateScheduleStatus(string Namespace, string Name, BackupScheduleStatus Status, string? ExpectedResourceVersion) : OperatorAction;
