namespace Spool.Api.Core;

public sealed record NamespaceStatus
{
    public string? Phase { get; init; }
}
