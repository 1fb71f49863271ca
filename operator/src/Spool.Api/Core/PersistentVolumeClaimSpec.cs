namespace Spool.Api.Core;

public sealed record PersistentVolumeClaimSpec
{
    public IReadOnlyList<string>? AccessModes { get; init; }

    public string? VolumeName { get; init; }

    public string? StorageClassName { get; init; }

    public string? VolumeMode { get; init; }

    public VolumeResourceRequirements? Resources { get; init; }

    public TypedLocalObjectReference? DataSource { get; init; }
}
