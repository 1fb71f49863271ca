using System.Runtime.InteropServices;

namespace Spool.DataPath.Native;

/// <summary>P/Invoke binding of a st tape node. Untested against hardware here: the encoding and framing are tested with a fake device.</summary>
public sealed partial class LinuxTapeDevice : ITapeDevice
{
    private const int ORdwr = 2;
    private int fd;

    public LinuxTapeDevice(string path)
    {
        fd = Open(path, ORdwr);
        if (fd < 0)
        {
            throw Posix.LastError($"open {path}");
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlTop(int fd, nuint request, ref MtOp op);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlGet(int fd, nuint request, out MtGet get);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* buffer, nuint count);

    public void Operation(MtOperation op, int count)
    {
        var mt = new MtOp { Op = (short)op, Count = count };
        if (IoctlTop(fd, TapeIoctl.MtIocTop, ref mt) != 0)
        {
            throw Posix.LastError($"MTIOCTOP {op} {count}");
        }
    }

    public MtGet Status()
    {
        if (IoctlGet(fd, TapeIoctl.MtIocGet, out var get) != 0)
        {
            throw Posix.LastError("MTIOCGET");
        }

        return get;
    }

    public unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = ReadNative(fd, p, (nuint)buffer.Length);
            if (n < 0)
            {
                throw Posix.LastError("read tape");
            }

            return (int)n;
        }
    }

    public unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = WriteNative(fd, p, (nuint)buffer.Length);
            if (n != buffer.Length)
            {
                throw Posix.LastError("write tape");
            }
        }
    }

    public void Dispose()
    {
        if (fd >= 0)
        {
            _ = Close(fd);
            fd = -1;
        }
    }
}
