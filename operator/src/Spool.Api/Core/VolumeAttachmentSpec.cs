namespace Spool.Api.Core;

public sealed record VolumeAttachmentSpec
{
    public string Attacher { get; init; } = "";

    public string NodeName { get; init; } = "";

    public VolumeAttachmentSource Source { get; init; } = new();
}
