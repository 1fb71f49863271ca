namespace Spool.Api;

public sealed record ApiStatusCause
{
    public string? Reason { get; init; }

    public string? Message { get; init; }

    public string? Field { get; init; }
}
