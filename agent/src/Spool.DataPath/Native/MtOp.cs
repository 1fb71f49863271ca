using System.Runtime.InteropServices;

namespace Spool.DataPath.Native;

/// <summary><c>struct mtop { short mt_op; int mt_count; }</c>: 8 bytes, count at offset 4.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct MtOp
{
    public short Op;
    public int Count;
}
