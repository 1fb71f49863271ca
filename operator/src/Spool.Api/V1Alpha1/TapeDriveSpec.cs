using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

public sealed record TapeDriveSpec
{
    /// <summary>Directory: a virtual tape on a host path the nodes share (SAN, NFS, a test directory). Tape: a Linux SCSI tape device such as /dev/nst0.</summary>
    [Required]
    public DriveType Type { get; init; } = DriveType.Directory;

    /// <summary>Directory path or device path on the nodes.</summary>
    [Required]
    [RegularExpression("^/.*")]
    public string Path { get; init; } = "";

    /// <summary>Nodes that reach the drive, by name.</summary>
    public IReadOnlyList<string>? Nodes { get; init; }

    /// <summary>Nodes that reach the drive, by label. With neither nodes nor nodeSelector every node reaches it.</summary>
    public LabelSelector? NodeSelector { get; init; }

    /// <summary>Block size written to the medium.</summary>
    [Range(4096, 16777216)]
    [DefaultValue(262144)]
    public int BlockSizeBytes { get; init; } = 262144;

    /// <summary>Capacity of one medium; a full medium continues on the next one.</summary>
    [Range(1048576, long.MaxValue)]
    public long? CapacityBytes { get; init; }

    /// <summary>Maintenance switch: no new claims, and a holder moves off at its next checkpoint.</summary>
    public bool Offline { get; init; }
}
