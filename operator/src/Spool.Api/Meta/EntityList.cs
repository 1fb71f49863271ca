namespace Spool.Api;

/// <summary>A page of a LIST response.</summary>
public sealed record EntityList<T>
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public ListMeta Metadata { get; init; } = new();

    public IReadOnlyList<T> Items { get; init; } = [];
}
