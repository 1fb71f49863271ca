using System.ComponentModel;

namespace Spool.Api.V1Alpha1;

/// <summary>How the volume is read.</summary>
[Spool.Api.ValidationRule("self.mode != 'CSISnapshot' || has(self.volumeSnapshotClassName)", "volumeSnapshotClassName is required when mode is CSISnapshot")]
public sealed record SnapshotSpec
{
    /// <summary>Live reads the mounted volume with change detection; CSISnapshot reads a clone of a VolumeSnapshot.</summary>
    [DefaultValue(SnapshotMode.Live)]
    public SnapshotMode Mode { get; init; } = SnapshotMode.Live;

    /// <summary>VolumeSnapshotClass for CSISnapshot mode.</summary>
    public string? VolumeSnapshotClassName { get; init; }
}
