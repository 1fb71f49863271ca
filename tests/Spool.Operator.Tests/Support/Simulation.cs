using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Support;

/// <summary>
/// Applies a decision's actions to its observation the way the API server would: resourceVersion preconditions on
/// every write (a stale one ends the decision, like a 409), a new resourceVersion per write, a JSON round trip, and a
/// deleted object once its last finalizer is gone.
/// </summary>
public static class Simulation
{
    public sealed record Outcome(BackupJobObservation Observation, bool Conflict, bool Deleted);

    public static Outcome Apply(BackupJobObservation observation, IReadOnlyList<OperatorAction> actions)
    {
        var job = observation.Job;
        var jobOriginal = job.Metadata.ResourceVersion;
        var drives = observation.Cluster.Drives.ToDictionary(d => d.Metadata.Name!, StringComparer.Ordinal);
        var driveOriginal = drives.ToDictionary(d => d.Key, d => d.Value.Metadata.ResourceVersion, StringComparer.Ordinal);
        var pods = observation.Pods.ToList();
        var now = observation.Cluster.Now;
        var version = 1000L + long.Parse(job.Metadata.ResourceVersion ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        string Next() => (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var conflict = false;

        bool JobMatches(string? expected) => expected == job.Metadata.ResourceVersion || (expected == jobOriginal && WrittenByUs(job.Metadata.ResourceVersion, jobOriginal));
        bool DriveMatches(string name, string? expected) =>
            drives.TryGetValue(name, out var d) && (expected == d.Metadata.ResourceVersion || (expected == driveOriginal[name] && WrittenByUs(d.Metadata.ResourceVersion, driveOriginal[name])));

        foreach (var action in actions)
        {
            switch (action)
            {
                case ClaimDrive claim:
                    if (!DriveMatches(claim.Drive, claim.ExpectedResourceVersion))
                    {
                        conflict = true;
                        break;
                    }

                    drives[claim.Drive] = Bump(ActionEffects.Claim(drives[claim.Drive], claim, now), Next());
                    break;
                case ReleaseDrive release:
                    if (!DriveMatches(release.Drive, release.ExpectedResourceVersion))
                    {
                        conflict = true;
                        break;
                    }

                    if (ActionEffects.Release(drives[release.Drive], release, now) is { } released)
                    {
                        drives[release.Drive] = Bump(released, Next());
                    }

                    break;
                case MarkDriveFailed failed:
                    if (!DriveMatches(failed.Drive, failed.ExpectedResourceVersion))
                    {
                        conflict = true;
                        break;
                    }

                    drives[failed.Drive] = Bump(ActionEffects.MarkFailed(drives[failed.Drive], failed, now), Next());
                    break;
                case RecordDriveOperation operation:
                    if (!DriveMatches(operation.Drive, operation.ExpectedResourceVersion))
                    {
                        conflict = true;
                        break;
                    }

                    drives[operation.Drive] = Bump(ActionEffects.RecordOperation(drives[operation.Drive], operation, now), Next());
                    break;
                case UpdateBackupJobStatus update:
                    if (!JobMatches(update.ExpectedResourceVersion))
                    {
                        conflict = true;
                        break;
                    }

                    job = job with { Status = update.Status, Metadata = job.Metadata with { ResourceVersion = Next() } };
                    break;
                case AddFinalizer or RemoveFinalizer or SetNodeLabel:
                    var expected = action switch
                    {
                        AddFinalizer a => a.ExpectedResourceVersion,
                        RemoveFinalizer r => r.ExpectedResourceVersion,
                        SetNodeLabel l => l.ExpectedResourceVersion,
                        _ => null,
                    };
                    if (!JobMatches(expected))
                    {
                        conflict = true;
                        break;
                    }

                    job = job with { Metadata = ActionEffects.Apply(job.Metadata, action) with { ResourceVersion = Next() } };
                    break;
                case CreateMounterPod create:
                    if (pods.All(p => p.Metadata.Name != create.Pod.Metadata.Name))
                    {
                        pods.Add(create.Pod with
                        {
                            Metadata = create.Pod.Metadata with { Uid = "uid-" + create.Pod.Metadata.Name, ResourceVersion = Next() },
                            Status = new PodStatus { Phase = "Pending" },
                        });
                    }

                    break;
                case DeleteMounterPod delete:
                    pods.RemoveAll(p => p.Metadata.Name == delete.Name);
                    break;
                case RecordEvent or RecordFailover or RequeueAfter:
                    break;
                default:
                    throw new InvalidOperationException($"no simulation for {action.GetType().Name}");
            }

            if (conflict)
            {
                break;
            }
        }

        job = RoundTrip(job);
        var deleted = job.Metadata.DeletionTimestamp is not null && (job.Metadata.Finalizers is null || job.Metadata.Finalizers.Count == 0);
        var next = observation with
        {
            Job = job,
            Pods = pods,
            Cluster = observation.Cluster with { Drives = observation.Cluster.Drives.Select(d => RoundTrip(drives[d.Metadata.Name!])).ToList() },
        };
        return new Outcome(next, conflict, deleted);
    }

    private static bool WrittenByUs(string? current, string? original) => current != original;

    private static TapeDrive Bump(TapeDrive drive, string version) => drive with { Metadata = drive.Metadata with { ResourceVersion = version } };

    public static T RoundTrip<T>(T value) => KubeJson.Deserialize<T>(KubeJson.Serialize(value))!;
}
