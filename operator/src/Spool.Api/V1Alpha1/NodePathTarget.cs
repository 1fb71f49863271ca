using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

public sealed record NodePathTarget
{
    /// <summary>Node whose directory receives the files.</summary>
    [Required]
    public string Node { get; init; } = "";

    /// <summary>Absolute directory path on the node.</summary>
    [Required]
    [RegularExpression("^/.*")]
    public string Path { get; init; } = "";
}
