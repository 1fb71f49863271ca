namespace Spool.Api.Core;

public sealed record VolumeNodeAffinity
{
    public NodeSelector? Required { get; init; }
}
