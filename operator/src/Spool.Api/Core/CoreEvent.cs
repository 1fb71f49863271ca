namespace Spool.Api.Core;

[KubernetesEntity("", "v1", "Event", "events")]
public sealed record CoreEvent : IKubernetesObject
{
    public const string ApiVersionValue = "v1";

    public const string KindValue = "Event";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public ObjectReference InvolvedObject { get; init; } = new();

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public string? Type { get; init; }

    public EventSource? Source { get; init; }

    public DateTimeOffset? FirstTimestamp { get; init; }

    public DateTimeOffset? LastTimestamp { get; init; }

    public int? Count { get; init; }

    public string? ReportingComponent { get; init; }

    public string? ReportingInstance { get; init; }

    public string? Action { get; init; }
}
