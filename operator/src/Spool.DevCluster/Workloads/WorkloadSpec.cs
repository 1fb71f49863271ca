namespace Spool.DevCluster.Workloads;

/// <summary>
/// A StatefulSet-like workload: one pod <c>&lt;name&gt;-0</c> labelled <c>app=&lt;name&gt;</c> and its claim
/// (<c>&lt;name&gt;-data</c> unless named) on the PV <c>pv-&lt;namespace&gt;-&lt;name&gt;</c>.
/// </summary>
public sealed record WorkloadSpec(string Name, string Namespace = "default", string Size = "2Gi", string? PreferredNode = null, string? Claim = null)
{
    public string PodName => Name + "-0";

    public string ClaimName => Claim ?? Name + "-data";

    public string VolumeName => $"pv-{Namespace}-{Name}";
}
