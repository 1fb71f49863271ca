using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>A replica-aware job's claim, its policy, and the pods among which its replicas are found.</summary>
public sealed record ReplicaQuery
{
    public string Namespace { get; init; } = "";

    /// <summary>The claim named by the job; the pod that mounts it identifies the workload.</summary>
    public string ClaimName { get; init; } = "";

    public ReplicaPolicySpec Policy { get; init; } = new();

    /// <summary>Pods of the namespace.</summary>
    public IReadOnlyList<Pod> Pods { get; init; } = [];

    /// <summary>The volume a job already ran on: a chosen replica is kept for the rest of the job.</summary>
    public ResolvedVolume? Pinned { get; init; }

    /// <summary>Whether the job has been assigned before, so that <see cref="Pinned"/> holds its replica.</summary>
    public bool Assigned { get; init; }
}
