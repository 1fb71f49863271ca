using System.Globalization;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// The volumes a federated run's selector matches in the cluster as observed: claims whose labels match (target
/// PersistentVolumeClaims), or the existing claims of pods whose labels match (target Workloads), in the job's
/// namespace or in all of them. Each comes with its owner node, resolved as for a single-volume job.
/// </summary>
public static class FederatedSelection
{
    public static IReadOnlyList<SelectedVolume> Select(FederatedBackupObservation observation, IReadOnlyDictionary<string, string?>? preferredNodes = null)
    {
        var job = observation.Job;
        var source = job.Spec.Source;
        var ns = job.Metadata.Namespace ?? "default";
        bool InScope(string? n) => source.AllNamespaces || n == ns;

        var claims = observation.Claims
            .Where(c => c.Metadata.DeletionTimestamp is null && c.Metadata.Name is not null && InScope(c.Metadata.Namespace))
            .ToDictionary(c => c.Metadata.Namespace + "/" + c.Metadata.Name, StringComparer.Ordinal);
        var pods = observation.Pods.Where(p => p.Metadata.DeletionTimestamp is null && InScope(p.Metadata.Namespace)).ToList();
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        if (source.SelectorTarget == SelectorTarget.Workloads)
        {
            foreach (var pod in pods.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed") && Selectors.Matches(source.Selector, p.Metadata.Labels)))
            {
                foreach (var claim in ClaimsOf(pod))
                {
                    var key = pod.Metadata.Namespace + "/" + claim;
                    if (claims.ContainsKey(key))
                    {
                        keys.Add(key);
                    }
                }
            }
        }
        else
        {
            foreach (var (key, claim) in claims)
            {
                if (Selectors.Matches(source.Selector, claim.Metadata.Labels))
                {
                    keys.Add(key);
                }
            }
        }

        var volumes = observation.Volumes.Where(v => v.Metadata.Name is not null).ToDictionary(v => v.Metadata.Name!, StringComparer.Ordinal);
        var result = new List<SelectedVolume>(keys.Count);
        foreach (var key in keys)
        {
            var claim = claims[key];
            var claimNs = claim.Metadata.Namespace ?? ns;
            var name = claim.Metadata.Name!;
            var mounting = pods.Where(p => p.Metadata.Namespace == claimNs && ClaimsOf(p).Contains(name)).ToList();
            var volume = claim.Spec.VolumeName is { } pv && volumes.TryGetValue(pv, out var found) ? found : null;
            var owner = OwnerResolver.Resolve(
                new OwnerQuery
                {
                    Namespace = claimNs,
                    ClaimName = name,
                    Claim = claim,
                    Volume = volume,
                    Pods = mounting,
                    Attachments = observation.Attachments,
                    PreferredNode = preferredNodes?.GetValueOrDefault(key),
                },
                observation.Cluster);
            var running = mounting.Where(p => p.Status?.Phase == "Running").OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).FirstOrDefault()
                ?? mounting.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).FirstOrDefault();
            result.Add(new SelectedVolume
            {
                Namespace = claimNs,
                Claim = name,
                Workload = running is null ? null : WorkloadOf(running),
                Criticality = mounting.Select(p => Criticality(p.Metadata.Annotations)).Append(Criticality(claim.Metadata.Annotations)).Max(),
                Owner = owner,
            });
        }

        return result;
    }

    /// <summary>The pod's controller (a StatefulSet, a ReplicaSet...) by name, or the pod's own name.</summary>
    public static string WorkloadOf(Pod pod) =>
        pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Name ?? pod.Metadata.Name ?? "";

    /// <summary>The integer value of spool.dev/criticality; 0 when absent or not an integer.</summary>
    public static int Criticality(IReadOnlyDictionary<string, string>? annotations) =>
        annotations?.GetValueOrDefault(SpoolGroup.CriticalityAnnotation) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static IEnumerable<string> ClaimsOf(Pod pod) =>
        (pod.Spec.Volumes ?? []).Where(v => v.PersistentVolumeClaim is not null).Select(v => v.PersistentVolumeClaim!.ClaimName).Distinct(StringComparer.Ordinal);
}
