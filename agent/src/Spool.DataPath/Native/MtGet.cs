using System.Runtime.InteropServices;

namespace Spool.DataPath.Native;

/// <summary>
/// <c>struct mtget</c> on LP64 Linux: five longs then <c>mt_fileno</c> and <c>mt_blkno</c> (daddr_t = int): 48 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct MtGet
{
    public long Type;
    public long Resid;
    public long DsReg;
    public long GStat;
    public long ErReg;
    public int FileNo;
    public int BlkNo;

    /// <summary>The drive's fixed block size, from the low 24 bits of <c>mt_dsreg</c> (0 = variable).</summary>
    public readonly int BlockSize => (int)(DsReg & 0xFFFFFF);
}
