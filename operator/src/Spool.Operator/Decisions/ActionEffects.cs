using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// What an action does to the object it writes. The shell sends the result to the API server; tests apply it to an
/// observation to check that deciding again finds nothing left to do.
/// </summary>
public static class ActionEffects
{
    public static TapeDrive Claim(TapeDrive drive, ClaimDrive action, DateTimeOffset now) =>
        WithStatus(drive, (drive.Status ?? new TapeDriveStatus()) with { Holder = action.Holder, PendingOperation = action.PendingOperation }, now);

    /// <summary>Null when the drive is no longer held by the job, so there is nothing to release.</summary>
    public static TapeDrive? Release(TapeDrive drive, ReleaseDrive action, DateTimeOffset now)
    {
        var status = drive.Status;
        if (status is null || !DriveArbiter.IsHolder(status.Holder, action.Job))
        {
            return null;
        }

        return WithStatus(drive, status with
        {
            Holder = null,
            BytesWritten = status.BytesWritten + action.BytesWritten,
            PendingOperation = action.OperationCompleted ? null : status.PendingOperation,
        }, now);
    }

    public static TapeDrive MarkFailed(TapeDrive drive, MarkDriveFailed action, DateTimeOffset now) =>
        WithStatus(drive, (drive.Status ?? new TapeDriveStatus()) with
        {
            Phase = DrivePhase.Failed,
            ObservedGeneration = drive.Metadata.Generation ?? 1,
            LastError = $"{action.Reason}: {action.Message}",
            LastErrorTime = JobConditions.Truncate(now),
        }, now);

    public static TapeDrive RecordOperation(TapeDrive drive, RecordDriveOperation action, DateTimeOffset now) =>
        WithStatus(drive, (drive.Status ?? new TapeDriveStatus()) with { PendingOperation = action.Operation }, now);

    public static ObjectMeta Apply(ObjectMeta metadata, OperatorAction action)
    {
        switch (action)
        {
            case AddFinalizer add when metadata.Finalizers?.Contains(add.Finalizer) != true:
                return metadata with { Finalizers = [.. metadata.Finalizers ?? [], add.Finalizer] };
            case RemoveFinalizer remove when metadata.Finalizers?.Contains(remove.Finalizer) == true:
                return metadata with { Finalizers = metadata.Finalizers.Where(f => f != remove.Finalizer).ToList() };
            case SetNodeLabel label:
                var labels = new Dictionary<string, string>(metadata.Labels ?? new Dictionary<string, string>());
                if (label.Node is null)
                {
                    labels.Remove(SpoolGroup.NodeLabel);
                }
                else
                {
                    labels[SpoolGroup.NodeLabel] = label.Node;
                }

                return metadata with { Labels = labels };
            default:
                return metadata;
        }
    }

    public static bool IsMetadata(OperatorAction action) => action is AddFinalizer or RemoveFinalizer or SetNodeLabel;

    private static TapeDrive WithStatus(TapeDrive drive, TapeDriveStatus status, DateTimeOffset now) =>
        drive with { Status = TapeDriveDecider.Normalize(drive, status, now) };
}
