namespace Spool.Api.Core;

public sealed record TypedLocalObjectReference
{
    public string? ApiGroup { get; init; }

    public string Kind { get; init; } = "";

    public string Name { get; init; } = "";
}
