using System.Runtime.CompilerServices;

namespace Spool.DataPath.Native;

/// <summary>
/// ioctl request numbers from <c>linux/mtio.h</c>, computed the way <c>asm-generic/ioctl.h</c> does
/// (<c>dir &lt;&lt; 30 | size &lt;&lt; 16 | type &lt;&lt; 8 | nr</c>, write = 1, read = 2). This is the encoding of x86-64,
/// arm64 and riscv64; powerpc, mips and sparc use other direction bits and are not supported.
/// </summary>
public static class TapeIoctl
{
    public const uint IocWrite = 1;
    public const uint IocRead = 2;

    public static uint MtIocTop => Encode(IocWrite, 'm', 1, Unsafe.SizeOf<MtOp>());

    public static uint MtIocGet => Encode(IocRead, 'm', 2, Unsafe.SizeOf<MtGet>());

    public static uint Encode(uint direction, char type, uint nr, int size) =>
        (direction << 30) | ((uint)size << 16) | ((uint)type << 8) | nr;
}
