namespace Spool.Api.Core;

public sealed record VolumeResourceRequirements
{
    public IReadOnlyDictionary<string, string>? Requests { get; init; }

    public IReadOnlyDictionary<string, string>? Limits { get; init; }
}
