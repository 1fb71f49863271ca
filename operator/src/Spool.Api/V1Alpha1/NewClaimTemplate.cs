using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

public sealed record NewClaimTemplate
{
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string Name { get; init; } = "";

    public string? StorageClassName { get; init; }

    /// <summary>Requested size, for example 10Gi; the backup's size rounded up when empty.</summary>
    public string? Size { get; init; }

    public IReadOnlyList<string>? AccessModes { get; init; }
}
