using Spool.Operator.Decisions;

namespace Spool.Operator.Scheduling;

/// <summary>Delete a BackupJob (its uid is the precondition). Deleting a job never deletes its backup; retention does that.</summary>
public sealed record DeleteBackupJob(string Namespace, string Name, string? Uid, string Reason) : OperatorAction;
