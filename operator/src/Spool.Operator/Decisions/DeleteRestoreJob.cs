namespace Spool.Operator.Decisions;

/// <summary>Delete a child RestoreJob (its uid is the precondition); its finalizer releases its drives and its mounter pod first.</summary>
public sealed record DeleteRestoreJob(string Namespace, string Name, string? Uid, string Reason) : OperatorAction;
