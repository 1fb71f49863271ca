namespace Spool.Operator.Decisions;

/// <summary>A volume a federated run's selector matches now, where it lives, and what ranks it.</summary>
public sealed record SelectedVolume
{
    public string Namespace { get; init; } = "";

    public string Claim { get; init; } = "";

    /// <summary>The workload that mounts it: the pod's controller, or the pod itself.</summary>
    public string? Workload { get; init; }

    /// <summary>The spool.dev/criticality annotation of the claim or of a pod that mounts it (the highest); 0 without one.</summary>
    public int Criticality { get; init; }

    /// <summary>Where the volume lives now, or why nobody owns it.</summary>
    public OwnerResolution Owner { get; init; } = new();

    public string Key => Namespace + "/" + Claim;
}
