using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Digest;

/// <summary>
/// The per-workload digest (<c>spool-operator digest</c>): every claim that a BackupJob backs up (alone, or as a
/// volume of a federated run), where its workload runs now, its state and its last successful backup. Pure.
/// </summary>
public static class WorkloadDigest
{
    /// <param name="run">Only the volumes of this federated BackupJob (its name; in the namespace of <paramref name="runNamespace"/>).</param>
    public static IReadOnlyList<DigestRow> Build(IReadOnlyList<BackupJob> backups, IReadOnlyList<PersistentVolumeClaim> claims, IReadOnlyList<Pod> pods, string? run = null, string? runNamespace = null)
    {
        var workloadOf = new Dictionary<string, string?>(StringComparer.Ordinal);
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        if (run is not null)
        {
            var parent = backups.FirstOrDefault(b => b.Metadata.Name == run && (runNamespace is null || b.Metadata.Namespace == runNamespace) && b.Spec.Source.Selector is not null)
                ?? throw new ArgumentException($"no federated BackupJob {run}{(runNamespace is null ? "" : " in namespace " + runNamespace)}", nameof(run));
            foreach (var task in parent.Status?.Volumes ?? [])
            {
                keys.Add(FederatedBackupDecider.Key(task));
                workloadOf.TryAdd(FederatedBackupDecider.Key(task), task.Workload);
            }
        }
        else
        {
            foreach (var job in backups)
            {
                if (job.Spec.Source.PersistentVolumeClaim is { } claim)
                {
                    keys.Add($"{job.Metadata.Namespace}/{claim}");
                }

                foreach (var task in job.Status?.Volumes ?? [])
                {
                    keys.Add(FederatedBackupDecider.Key(task));
                    workloadOf.TryAdd(FederatedBackupDecider.Key(task), task.Workload);
                }
            }
        }

        var rows = new List<DigestRow>(keys.Count);
        foreach (var key in keys)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var ns = key[..slash];
            var claimName = key[(slash + 1)..];
            var exists = claims.Any(c => c.Metadata.Namespace == ns && c.Metadata.Name == claimName && c.Metadata.DeletionTimestamp is null);
            var mounting = pods
                .Where(p => p.Metadata.Namespace == ns
                    && p.Metadata.DeletionTimestamp is null
                    && p.Status?.Phase is not ("Succeeded" or "Failed")
                    && p.Metadata.Labels?.ContainsKey(MounterPods.Label) != true
                    && p.Metadata.Labels?.ContainsKey(SnapshotClones.CloneLabel) != true
                    && p.Spec.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == claimName) == true)
                .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
                .ToList();
            var running = mounting.Where(p => p.Status?.Phase == "Running" && !string.IsNullOrEmpty(p.Spec.NodeName)).ToList();
            var last = backups
                .Where(b => b.Metadata.Namespace == ns && b.Spec.Source.PersistentVolumeClaim == claimName && b.Status is { Phase: BackupPhase.Succeeded, CompletionTime: not null })
                .OrderByDescending(b => b.Status!.CompletionTime)
                .ThenByDescending(b => b.Metadata.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            var pod = running.FirstOrDefault() ?? mounting.FirstOrDefault();
            rows.Add(new DigestRow
            {
                Namespace = ns,
                Claim = claimName,
                Workload = pod is not null ? FederatedSelection.WorkloadOf(pod) : workloadOf.GetValueOrDefault(key),
                Nodes = running.Select(p => p.Spec.NodeName!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                State = !exists ? FederatedRestoreDecider.StateMissing : running.Count > 0 ? FederatedRestoreDecider.StateRunning : FederatedRestoreDecider.StateNotRunning,
                LastBackupTime = last?.Status!.CompletionTime,
                LastBackupJob = last?.Metadata.Name,
                Run = last?.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentAnnotation),
            });
        }

        return rows;
    }

    /// <summary>The digest as a table, kubectl style: upper-case headers, columns padded with spaces, "-" for nothing.</summary>
    public static string Format(IReadOnlyList<DigestRow> rows)
    {
        string[] header = ["NAMESPACE", "WORKLOAD", "CLAIM", "NODE", "STATE", "LAST BACKUP", "BACKUP JOB", "RUN"];
        var lines = rows.Select(r => new[]
        {
            r.Namespace,
            r.Workload ?? "-",
            r.Claim,
            r.Nodes.Count == 0 ? "-" : string.Join(",", r.Nodes),
            r.State,
            r.LastBackupTime is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) : "-",
            r.LastBackupJob ?? "-",
            r.Run ?? "-",
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var line in lines)
        {
            text.AppendLine(string.Join("   ", line.Select((cell, i) => i == line.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }
}
