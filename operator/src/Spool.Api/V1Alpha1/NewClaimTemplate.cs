using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

public sealed record NewClaimTemplate
{
    /// <summary>Name of the PersistentVolumeClaim to create in the restore's namespace.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string Name { get; init; } = "";

    /// <summary>StorageClass of the new claim; the cluster default when empty.</summary>
    public string? StorageClassName { get; init; }

    /// <summary>Requested size, for example 10Gi; the backup's size rounded up when empty.</summary>
    public string? Size { get; init; }

    /// <summary>Access modes of the new claim; ReadWriteOnce when empty.</summary>
    public IReadOnlyList<string>? AccessModes { get; init; }
}
