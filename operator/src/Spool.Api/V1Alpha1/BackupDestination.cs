using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>Where the stream goes. Drives are picked from <see cref="Drives"/> or <see cref="DriveSelector"/>, among those the chosen node can reach.</summary>
[Spool.Api.ValidationRule("has(self.drives) || has(self.driveSelector)", "one of drives or driveSelector must be set")]
public sealed record BackupDestination
{
    /// <summary>TapeDrive names to choose from.</summary>
    public IReadOnlyList<string>? Drives { get; init; }

    /// <summary>Labels of the TapeDrives to choose from.</summary>
    public LabelSelector? DriveSelector { get; init; }

    /// <summary>None, Mirror or Parity across several drives.</summary>
    public RedundancySpec? Redundancy { get; init; }

    /// <summary>AES-256-GCM per block; only the key id is written to the medium.</summary>
    public EncryptionSpec? Encryption { get; init; }

    /// <summary>Compression applied to each block before encryption.</summary>
    [DefaultValue(CompressionMode.None)]
    public CompressionMode Compression { get; init; } = CompressionMode.None;

    /// <summary>Block size on the medium; the drive's own block size when empty.</summary>
    [Range(4096, 16777216)]
    public int? BlockSizeBytes { get; init; }
}
