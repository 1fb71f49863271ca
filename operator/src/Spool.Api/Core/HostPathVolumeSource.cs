namespace Spool.Api.Core;

public sealed record HostPathVolumeSource
{
    public string Path { get; init; } = "";

    public string? Type { get; init; }
}
