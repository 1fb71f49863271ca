namespace Spool.Api.Core;

[KubernetesEntity("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", Namespaced = false)]
public sealed record VolumeAttachment : IHasStatus<VolumeAttachmentStatus>
{
    public const string ApiVersionValue = "storage.k8s.io/v1";

    public const string KindValue = "VolumeAttachment";

    public string? ApiVersion { get; init; } = ApiVersionValue;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    public VolumeAttachmentSpec Spec { get; init; } = new();

    public VolumeAttachmentStatus? Status { get; init; }
}
