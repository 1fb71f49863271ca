namespace Spool.Api.Core;

public sealed record VolumeMount
{
    public string Name { get; init; } = "";

    public string MountPath { get; init; } = "";

    public bool? ReadOnly { get; init; }
}
