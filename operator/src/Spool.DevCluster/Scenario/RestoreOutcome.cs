namespace Spool.DevCluster.Scenario;

/// <summary>A finished restore and its comparison with the source tree.</summary>
public sealed record RestoreOutcome(string Job, string? Node, TimeSpan Duration, TreeManifest Restored, IReadOnlyList<string> Differences)
{
    public bool Identical => Differences.Count == 0;
}
