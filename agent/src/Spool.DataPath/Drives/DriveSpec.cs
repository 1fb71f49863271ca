namespace Spool.DataPath.Drives;

/// <summary>How to open a drive. A null block size means "whatever the drive was initialised with" (256 KiB for a new one).</summary>
public sealed record DriveSpec(DriveType Type, string Path, int? BlockSize = null, long? CapacityBytes = null)
{
    public const int DefaultBlockSize = 256 * 1024;

    public static DriveSpec Directory(string path, int? blockSize = null, long? capacityBytes = null) =>
        new(DriveType.Directory, path, blockSize, capacityBytes);
}
