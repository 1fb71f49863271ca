namespace Spool.Api.Core;

public sealed record LocalVolumeSource
{
    public string Path { get; init; } = "";
}
