using System.ComponentModel.DataAnnotations;

namespace Spool.Api;

/// <summary>A key of a Secret in the referring object's namespace.</summary>
public sealed record SecretKeySelector
{
    /// <summary>Name of the Secret.</summary>
    [Required]
    [MinLength(1)]
    public string Name { get; init; } = "";

    /// <summary>Key inside the Secret's data.</summary>
    [Required]
    [MinLength(1)]
    public string Key { get; init; } = "";
}
