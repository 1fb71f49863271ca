namespace Spool.Api;

public sealed record ApiStatusDetails
{
    public string? Name { get; init; }

    public string? Group { get; init; }

    public string? Kind { get; init; }

    public string? Uid { get; init; }

    public IReadOnlyList<ApiStatusCause>? Causes { get; init; }

    public int? RetryAfterSeconds { get; init; }
}
