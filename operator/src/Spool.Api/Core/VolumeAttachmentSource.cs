namespace Spool.Api.Core;

public sealed record VolumeAttachmentSource
{
    public string? PersistentVolumeName { get; init; }
}
