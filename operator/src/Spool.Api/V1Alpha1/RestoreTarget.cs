namespace Spool.Api.V1Alpha1;

[Spool.Api.ValidationRule("[has(self.persistentVolumeClaim), has(self.newClaim), has(self.nodePath)].filter(x, x).size() == 1", "exactly one of persistentVolumeClaim, newClaim or nodePath must be set")]
public sealed record RestoreTarget
{
    /// <summary>An existing claim in the restore's namespace.</summary>
    public string? PersistentVolumeClaim { get; init; }

    /// <summary>A claim the operator creates before the restore.</summary>
    public NewClaimTemplate? NewClaim { get; init; }

    /// <summary>A directory on a node, for restores outside any volume.</summary>
    public NodePathTarget? NodePath { get; init; }
}
