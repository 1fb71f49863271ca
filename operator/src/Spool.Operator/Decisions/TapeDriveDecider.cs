using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// Keeps a drive's phase and conditions true to its spec and holder, and frees claims nobody can use any more: the
/// job is gone or finished, the claim is of an older epoch than the job, or it is ahead of the job's epoch for longer
/// than the claim grace (the operator died between claim and assignment). Failed sticks until the spec changes.
/// </summary>
public static class TapeDriveDecider
{
    public static IReadOnlyList<OperatorAction> Decide(TapeDriveObservation observation)
    {
        var drive = observation.Drive;
        var name = drive.Metadata.Name!;
        var status = drive.Status ?? new TapeDriveStatus();
        var actions = new List<OperatorAction>();
        var regarding = new ObjectReference { ApiVersion = drive.ApiVersion ?? SpoolGroup.ApiVersion, Kind = TapeDrive.KindValue, Name = name, Uid = drive.Metadata.Uid };
        var holder = status.Holder;
        TimeSpan? wake = null;
        string? release = null;
        if (holder is not null)
        {
            var job = observation.Holder;
            var age = observation.Now - (holder.Since ?? DateTimeOffset.MinValue);
            var graceLeft = observation.Settings.ClaimGrace - age;
            if (job is null || (holder.JobUid is not null && job.Job.Uid is not null && holder.JobUid != job.Job.Uid))
            {
                if (graceLeft <= TimeSpan.Zero)
                {
                    release = $"{holder.Kind} {holder.Job} no longer exists";
                }
                else
                {
                    wake = graceLeft;
                }
            }
            else if (job.Finished)
            {
                release = $"{holder.Kind} {holder.Job} has finished";
            }
            else if (holder.Epoch < job.Epoch)
            {
                release = $"the claim of epoch {holder.Epoch} is older than {holder.Kind} {holder.Job}'s epoch {job.Epoch}";
            }
            else if (holder.Epoch > job.Epoch)
            {
                if (graceLeft <= TimeSpan.Zero)
                {
                    release = $"the claim of epoch {holder.Epoch} was never taken up by {holder.Kind} {holder.Job} (epoch {job.Epoch})";
                }
                else
                {
                    wake = graceLeft;
                }
            }
        }

        var next = status;
        if (release is not null)
        {
            next = next with { Holder = null };
            actions.Add(new RecordEvent(regarding, RecordEvent.Normal, "ReleasedStaleClaim", $"Released the claim of {holder!.Kind} {holder.Job}: {release}"));
        }

        next = Normalize(drive, next, observation.Now);
        if (status.Phase == DrivePhase.Failed && next.Phase != DrivePhase.Failed)
        {
            actions.Add(new RecordEvent(regarding, RecordEvent.Normal, "Recovered", "The spec changed; the drive is no longer marked Failed"));
        }

        if (!StatusJson.Same(next, drive.Status))
        {
            actions.Insert(0, new UpdateDriveStatus(name, next, drive.Metadata.ResourceVersion));
        }

        if (wake is { } delay)
        {
            actions.Add(new RequeueAfter(delay + TimeSpan.FromMilliseconds(100)));
        }

        return actions;
    }

    /// <summary>
    /// Phase, observedGeneration and the Ready condition that follow from the spec and the holder. Every writer of a
    /// drive's status applies it, so that a claim or release does not need a second write to fix the phase.
    /// </summary>
    public static TapeDriveStatus Normalize(TapeDrive drive, TapeDriveStatus status, DateTimeOffset now)
    {
        var generation = drive.Metadata.Generation ?? 1;
        var failed = status.Phase == DrivePhase.Failed && (status.ObservedGeneration ?? generation) >= generation;
        var phase = failed ? DrivePhase.Failed
            : drive.Spec.Offline ? DrivePhase.Offline
            : status.Holder is not null ? DrivePhase.InUse
            : DrivePhase.Available;
        var ready = phase is DrivePhase.Available or DrivePhase.InUse;
        var (reason, message) = phase switch
        {
            DrivePhase.Failed => ("Failed", status.LastError ?? "the drive failed"),
            DrivePhase.Offline => ("Offline", "spec.offline is set: no new claims"),
            DrivePhase.InUse => ("InUse", "held by a job"),
            _ => ("Available", "free"),
        };
        var conditions = new List<Condition>
        {
            Condition(status.Conditions, JobConditions.Ready, ready, reason, message, generation, now),
        };
        return status with { Phase = phase, ObservedGeneration = generation, Conditions = conditions };
    }

    private static Condition Condition(IReadOnlyList<Condition>? current, string type, bool value, string reason, string message, long generation, DateTimeOffset now)
    {
        var status = value ? ConditionStatus.True : ConditionStatus.False;
        var previous = JobConditions.Find(current, type);
        var since = previous is not null && previous.Status == status && previous.LastTransitionTime is { } t ? t : JobConditions.Truncate(now);
        return new Condition { Type = type, Status = status, ObservedGeneration = generation, LastTransitionTime = since, Reason = reason, Message = message };
    }
}
