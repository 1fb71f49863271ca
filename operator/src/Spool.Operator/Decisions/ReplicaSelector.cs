using System.Globalization;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// Replica-aware placement (<c>spec.source.replica</c>). The workload is the pod that mounts the job's claim; its
/// replicas are the pods with the same controller (or, without one, the same labels apart from the role and
/// per-pod labels) that carry the role label, each read through the claim it mounts under the same pod volume name.
/// A secondary is healthy when it is Running on a node that can run a stream, its lag annotation is at most
/// maxLagSeconds and, if named, its healthy condition is True. The primary is usable when it is the only pod
/// labelled primary, Running on such a node, and its node's load is at most maxPrimaryLoad. The policy then picks
/// or fails; once the job has been assigned, its replica is kept so that checkpoints resume on the same data.
/// </summary>
public static class ReplicaSelector
{
    public const string NoHealthySecondary = "NoHealthySecondary";
    public const string PrimaryUnavailable = "PrimaryUnavailable";
    public const string NoUsableReplica = "NoUsableReplica";

    /// <summary>Labels that differ between the pods of one workload by design.</summary>
    private static readonly string[] PerPodLabels =
    [
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "controller-revision-hash",
        "pod-template-hash",
    ];

    public static ReplicaChoice Choose(ReplicaQuery query, ClusterSnapshot cluster)
    {
        if (query.Assigned && query.Pinned is { ReplicaRole: { } pinnedRole, PersistentVolumeClaim: { } pinnedClaim } pinned)
        {
            return new ReplicaChoice { Claim = pinnedClaim, Pod = pinned.Pod, Role = pinnedRole, Reason = pinned.ReplicaReason ?? $"{pinnedRole.ToLowerInvariant()} chosen at the first assignment" };
        }

        var policy = query.Policy;
        var members = Members(query, out var anchorMessage);
        if (members is null)
        {
            return new ReplicaChoice { WaitReason = OwnerResolver.VolumeNotMounted, Reason = anchorMessage };
        }

        var primaries = members.Where(m => m.Primary).ToList();
        var secondaries = members.Where(m => !m.Primary).ToList();

        var secondaryNotes = new List<string>();
        var healthy = new List<(ReplicaMember Member, double Lag)>();
        foreach (var secondary in secondaries)
        {
            var (lag, problem) = SecondaryHealth(secondary, policy, cluster);
            if (problem is null)
            {
                healthy.Add((secondary, lag));
            }
            else
            {
                secondaryNotes.Add($"{secondary.Name}: {problem}");
            }
        }

        var best = healthy
            .OrderBy(h => h.Lag)
            .ThenBy(h => cluster.RunningOn(h.Member.Pod.Spec.NodeName!))
            .ThenBy(h => h.Member.Name, StringComparer.Ordinal)
            .Select(h => ((ReplicaMember Member, double Lag)?)h)
            .FirstOrDefault();
        var secondaryWhyNot = secondaries.Count == 0
            ? $"no secondary: no other pod of the workload carries label {policy.RoleLabel}"
            : $"no healthy secondary ({string.Join("; ", secondaryNotes)})";

        var primaryProblem = PrimaryProblem(primaries, policy, cluster);
        var primary = primaryProblem is null ? primaries[0] : null;
        var primaryWhyNot = $"primary unusable: {primaryProblem}";

        ReplicaChoice Secondary(string why) => new()
        {
            Claim = best!.Value.Member.Claim,
            Pod = best.Value.Member.Name,
            Role = ReplicaChoice.Secondary,
            Reason = $"secondary {best.Value.Member.Name} is healthy (lag {Format(best.Value.Lag)}s, at most {policy.MaxLagSeconds}s){why}",
        };

        ReplicaChoice Primary(string why) => new()
        {
            Claim = primary!.Claim,
            Pod = primary.Name,
            Role = ReplicaChoice.Primary,
            Reason = $"primary {primary.Name}{why}",
        };

        ReplicaChoice Fail(string reason, string why) => new() { FailReason = reason, Reason = $"policy {policy.Policy}: {why}" };

        return policy.Policy switch
        {
            ReplicaPolicy.SecondaryOnly => best is not null ? Secondary("") : Fail(NoHealthySecondary, secondaryWhyNot),
            ReplicaPolicy.PrimaryOnly => primary is not null ? Primary(" is usable") : Fail(PrimaryUnavailable, primaryWhyNot),
            ReplicaPolicy.PreferPrimary => primary is not null ? Primary(" is usable")
                : best is not null ? Secondary($"; fell back from the primary: {primaryProblem}")
                : Fail(NoUsableReplica, $"{primaryWhyNot}; {secondaryWhyNot}"),
            _ => best is not null ? Secondary("")
                : primary is not null ? Primary($"; fell back from the secondaries: {secondaryWhyNot}")
                : Fail(NoUsableReplica, $"{secondaryWhyNot}; {primaryWhyNot}"),
        };
    }

    /// <summary>
    /// The replicas of the workload whose pod mounts the query's claim, or null (with why) when no pod mounts it.
    /// Used by the shell too, to fetch the replicas' claims.
    /// </summary>
    public static IReadOnlyList<ReplicaMember>? Members(ReplicaQuery query, out string message)
    {
        var anchor = query.Pods
            .Where(p => p.Metadata.Namespace == query.Namespace && VolumeNameOf(p, query.ClaimName) is not null)
            .OrderBy(p => p.Metadata.DeletionTimestamp is null ? 0 : 1)
            .ThenBy(p => p.Status?.Phase == "Running" ? 0 : 1)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (anchor is null)
        {
            message = $"no pod mounts claim {query.Namespace}/{query.ClaimName}, so the replicas of its workload are unknown";
            return null;
        }

        message = "";
        var volumeName = VolumeNameOf(anchor, query.ClaimName)!;
        var roleLabel = query.Policy.RoleLabel;
        var controller = ControllerUid(anchor);
        var shape = controller is null ? Shape(anchor, roleLabel) : null;
        var members = new List<ReplicaMember>();
        foreach (var pod in query.Pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (pod.Metadata.Namespace != query.Namespace || pod.Metadata.Labels?.TryGetValue(roleLabel, out var role) != true)
            {
                continue;
            }

            var sameWorkload = controller is not null
                ? ControllerUid(pod) == controller
                : ControllerUid(pod) is null && Shape(pod, roleLabel).SetEquals(shape!);
            var claim = (pod.Spec.Volumes ?? []).FirstOrDefault(v => v.Name == volumeName)?.PersistentVolumeClaim?.ClaimName;
            if (sameWorkload && claim is not null)
            {
                members.Add(new ReplicaMember(pod, claim, role == query.Policy.PrimaryValue));
            }
        }

        return members;
    }

    /// <summary>The lag and null when the secondary is healthy; otherwise what is wrong with it.</summary>
    private static (double Lag, string? Problem) SecondaryHealth(ReplicaMember member, ReplicaPolicySpec policy, ClusterSnapshot cluster)
    {
        if (Availability(member.Pod, cluster) is { } unavailable)
        {
            return (0, unavailable);
        }

        if (policy.HealthyCondition is { Length: > 0 } type
            && member.Pod.Status?.Conditions?.FirstOrDefault(c => c.Type == type) is not { Status: "True" })
        {
            return (0, $"condition {type} is not True");
        }

        var raw = member.Pod.Metadata.Annotations?.GetValueOrDefault(policy.LagAnnotation);
        if (raw is null)
        {
            return (0, $"no annotation {policy.LagAnnotation}");
        }

        if (!TryParseLag(raw, out var lag))
        {
            return (0, $"annotation {policy.LagAnnotation} is not a number of seconds: \"{raw}\"");
        }

        return lag > policy.MaxLagSeconds ? (lag, $"lag {Format(lag)}s exceeds {policy.MaxLagSeconds}s") : (lag, null);
    }

    private static string? PrimaryProblem(IReadOnlyList<ReplicaMember> primaries, ReplicaPolicySpec policy, ClusterSnapshot cluster)
    {
        if (primaries.Count == 0)
        {
            return $"no pod of the workload is labelled {policy.RoleLabel}={policy.PrimaryValue}";
        }

        if (primaries.Count > 1)
        {
            return $"{primaries.Count} pods are labelled {policy.RoleLabel}={policy.PrimaryValue} ({string.Join(", ", primaries.Select(p => p.Name))})";
        }

        var primary = primaries[0];
        if (Availability(primary.Pod, cluster) is { } unavailable)
        {
            return $"{primary.Name}: {unavailable}";
        }

        var node = primary.Pod.Spec.NodeName!;
        if (policy.MaxPrimaryLoad is { } max
            && cluster.FindNode(node)?.Metadata.Annotations?.GetValueOrDefault(policy.NodeLoadAnnotation) is { } raw)
        {
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var load))
            {
                return $"{primary.Name}: annotation {policy.NodeLoadAnnotation} of node {node} is not a number: \"{raw}\"";
            }

            if (load > max)
            {
                return $"{primary.Name}: load {Format(load)} of node {node} exceeds {Format(max)}";
            }
        }

        return null;
    }

    /// <summary>Null when the pod is Running on a node that can run a stream now.</summary>
    private static string? Availability(Pod pod, ClusterSnapshot cluster)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return "pod is terminating";
        }

        if (pod.Status?.Phase != "Running" || string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            return $"pod is {pod.Status?.Phase ?? "Pending"}";
        }

        return NodeHealth.Check(cluster, pod.Spec.NodeName) is { } unhealthy ? unhealthy.Message : null;
    }

    public static bool TryParseLag(string raw, out double seconds)
    {
        var text = raw.Trim();
        if (text.EndsWith('s'))
        {
            text = text[..^1];
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && seconds >= 0 && double.IsFinite(seconds);
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string? VolumeNameOf(Pod pod, string claim) =>
        (pod.Spec.Volumes ?? []).FirstOrDefault(v => v.PersistentVolumeClaim?.ClaimName == claim)?.Name;

    private static string? ControllerUid(Pod pod) =>
        pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Uid;

    private static HashSet<string> Shape(Pod pod, string roleLabel) =>
        (pod.Metadata.Labels ?? new Dictionary<string, string>())
            .Where(l => l.Key != roleLabel && !PerPodLabels.Contains(l.Key))
            .Select(l => $"{l.Key}={l.Value}")
            .ToHashSet(StringComparer.Ordinal);
}
