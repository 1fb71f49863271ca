using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

public sealed record VerifyRequest
{
    public required IReadOnlyList<DriveSpec> Drives { get; init; }

    /// <summary>Null verifies every backup found on the drives.</summary>
    public Guid? BackupId { get; init; }

    public EncryptionKey? Encryption { get; init; }
}
