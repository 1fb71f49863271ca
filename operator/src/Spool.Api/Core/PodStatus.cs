namespace Spool.Api.Core;

public sealed record PodStatus
{
    public string? Phase { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    public string? PodIP { get; init; }

    public string? HostIP { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}
