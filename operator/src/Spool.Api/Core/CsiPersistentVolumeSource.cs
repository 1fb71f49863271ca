namespace Spool.Api.Core;

public sealed record CsiPersistentVolumeSource
{
    public string Driver { get; init; } = "";

    public string VolumeHandle { get; init; } = "";

    public bool? ReadOnly { get; init; }

    public IReadOnlyDictionary<string, string>? VolumeAttributes { get; init; }
}
