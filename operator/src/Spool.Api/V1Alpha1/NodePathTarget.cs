using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

public sealed record NodePathTarget
{
    [Required]
    public string Node { get; init; } = "";

    [Required]
    [RegularExpression("^/.*")]
    public string Path { get; init; } = "";
}
