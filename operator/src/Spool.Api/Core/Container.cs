namespace Spool.Api.Core;

public sealed record Container
{
    public string Name { get; init; } = "";

    public string? Image { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    public IReadOnlyList<VolumeMount>? VolumeMounts { get; init; }
}
