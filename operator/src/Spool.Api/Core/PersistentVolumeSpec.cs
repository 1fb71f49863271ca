namespace Spool.Api.Core;

public sealed record PersistentVolumeSpec
{
    public IReadOnlyDictionary<string, string>? Capacity { get; init; }

    public IReadOnlyList<string>? AccessModes { get; init; }

    public string? StorageClassName { get; init; }

    public string? PersistentVolumeReclaimPolicy { get; init; }

    public ObjectReference? ClaimRef { get; init; }

    public CsiPersistentVolumeSource? Csi { get; init; }

    public HostPathVolumeSource? HostPath { get; init; }

    public LocalVolumeSource? Local { get; init; }

    public VolumeNodeAffinity? NodeAffinity { get; init; }
}
