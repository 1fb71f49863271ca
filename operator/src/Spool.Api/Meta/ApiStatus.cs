namespace Spool.Api;

/// <summary>The meta/v1 Status body the API server returns with errors.</summary>
public sealed record ApiStatus
{
    public string ApiVersion { get; init; } = "v1";

    public string Kind { get; init; } = "Status";

    public string? Status { get; init; }

    public string? Message { get; init; }

    public string? Reason { get; init; }

    public int Code { get; init; }

    public ApiStatusDetails? Details { get; init; }
}
