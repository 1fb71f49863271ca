namespace Spool.DataPath.Native;

/// <summary>The subset of lstat information the archive needs.</summary>
public readonly record struct FileStat(
    uint Mode,
    uint Uid,
    uint Gid,
    long Size,
    long Blocks,
    long MtimeNs,
    long CtimeNs,
    ulong Device,
    ulong Inode,
    uint LinkCount)
{
    public const uint TypeMask = 0xF000;
    public const uint TypeRegular = 0x8000;
    public const uint TypeDirectory = 0x4000;
    public const uint TypeSymlink = 0xA000;

    public uint FileType => Mode & TypeMask;

    public uint Permissions => Mode & 0xFFF;

    public bool IsRegular => FileType == TypeRegular;

    public bool IsDirectory => FileType == TypeDirectory;

    public bool IsSymlink => FileType == TypeSymlink;

    /// <summary>Fewer allocated 512-byte blocks than the size needs: the file has holes.</summary>
    public bool IsSparse => IsRegular && Size > 0 && Blocks * 512 < Size;
}
