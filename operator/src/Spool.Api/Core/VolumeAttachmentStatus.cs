namespace Spool.Api.Core;

public sealed record VolumeAttachmentStatus
{
    public bool Attached { get; init; }
}
