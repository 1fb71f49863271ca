using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// Who may hold which drive. A drive is usable when it is not offline and not Failed, eligible for a job when it is
/// also reachable from the job's node, and free for the job when nobody else holds it. Claims are all-or-nothing for
/// the N members of a set; waiting jobs are served by priority, then age, under a per-node stream limit.
/// </summary>
public static class DriveArbiter
{
    public static bool IsUsable(TapeDrive drive) => !drive.Spec.Offline && drive.Status?.Phase != DrivePhase.Failed;

    /// <summary>By <c>spec.nodes</c> or <c>spec.nodeSelector</c>; with neither, every node reaches the drive.</summary>
    public static bool Reaches(TapeDrive drive, Node? node)
    {
        if (node is null)
        {
            return false;
        }

        var byName = drive.Spec.Nodes is { Count: > 0 } names;
        var bySelector = drive.Spec.NodeSelector is not null;
        if (!byName && !bySelector)
        {
            return true;
        }

        return (byName && drive.Spec.Nodes!.Contains(node.Metadata.Name ?? ""))
            || (bySelector && Selectors.Matches(drive.Spec.NodeSelector, node.Metadata.Labels));
    }

    public static bool IsHeldBy(TapeDrive drive, JobRef job) => IsHolder(drive.Status?.Holder, job);

    public static bool IsHolder(DriveHolder? holder, JobRef job) =>
        holder is not null
        && holder.Job == job.Key
        && holder.Kind == job.Kind
        && (holder.JobUid is null || job.Uid is null || holder.JobUid == job.Uid);

    public static bool IsFreeFor(TapeDrive drive, JobRef job) => drive.Status?.Holder is null || IsHeldBy(drive, job);

    /// <summary>Rank of waiting jobs: higher priority first, then older, then by name for a total order.</summary>
    public static int Compare(QueuedJob a, QueuedJob b)
    {
        var byPriority = b.Priority.CompareTo(a.Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var byAge = a.Created.CompareTo(b.Created);
        if (byAge != 0)
        {
            return byAge;
        }

        var byKind = string.CompareOrdinal(a.Job.Kind, b.Job.Kind);
        return byKind != 0 ? byKind : string.CompareOrdinal(a.Job.Key, b.Job.Key);
    }

    /// <summary>
    /// Greedy assignment of free drives to waiting jobs in rank order. A job gets all of its members or none, and is
    /// skipped (not blocking lower ranks) when its node is unhealthy or full, or too few of its drives are free.
    /// </summary>
    /// <param name="jobs">Waiting jobs, any order.</param>
    /// <param name="free">Drives nobody holds; <paramref name="ownHeld"/> adds drives a job already holds itself.</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Plan(
        IEnumerable<QueuedJob> jobs,
        IReadOnlySet<string> free,
        IReadOnlyDictionary<string, IReadOnlySet<string>> ownHeld,
        ClusterSnapshot cluster,
        string? stopAfter = null)
    {
        var ranked = jobs.ToList();
        ranked.Sort(Compare);
        var available = new HashSet<string>(free, StringComparer.Ordinal);
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var job in ranked)
        {
            var key = job.Job.Kind + "/" + job.Job.Key;
            ownHeld.TryGetValue(key, out var mine);
            if (available.Count == 0 && (mine is null || mine.Count == 0))
            {
                if (stopAfter is null)
                {
                    break;
                }

                continue;
            }

            if (job.Node is null || job.Width <= 0 || !NodeHealth.IsHealthy(cluster, job.Node))
            {
                continue;
            }

            var running = cluster.RunningOn(job.Node) + perNode.GetValueOrDefault(job.Node);
            if (running >= cluster.Settings.MaxStreamsPerNode)
            {
                continue;
            }

            var chosen = new List<string>(job.Width);
            foreach (var drive in job.EligibleDrives)
            {
                if ((available.Contains(drive) || mine?.Contains(drive) == true) && !chosen.Contains(drive))
                {
                    chosen.Add(drive);
                    if (chosen.Count == job.Width)
                    {
                        break;
                    }
                }
            }

            if (chosen.Count < job.Width)
            {
                continue;
            }

            foreach (var drive in chosen)
            {
                available.Remove(drive);
            }

            perNode[job.Node] = perNode.GetValueOrDefault(job.Node) + 1;
            result[key] = chosen;
            if (key == stopAfter)
            {
                break;
            }
        }

        return result;
    }

    public static string PlanKey(JobRef job) => job.Kind + "/" + job.Key;
}
