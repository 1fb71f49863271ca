using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Spool.DataPath.Native;

/// <summary>The few libc calls .NET does not expose: statx, ownership, nanosecond times, links, fsync, ioctl.</summary>
internal static partial class Posix
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxBasicStats = 0x7FF;
    public const int Enoent = 2;
    public const int Eacces = 13;
    public const int Eperm = 1;
    public const int Enospc = 28;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LchownNative(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FchownNative(int fd, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FchmodNative(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChmodNative(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UtimensatNative(int dirfd, string path, ReadOnlySpan<long> times, int flags);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    private static partial int FutimensNative(int fd, ReadOnlySpan<long> times);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncNative(int fd);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdatasyncNative(int fd);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2Native(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRangeNative(int fd, long offset, long nbytes, uint flags);

    /// <summary>Starts writeback of a range without waiting (SYNC_FILE_RANGE_WRITE); a later fsync then has less to wait for.</summary>
    public static void StartWriteback(SafeFileHandle handle, long offset, long length) =>
        _ = SyncFileRangeNative((int)handle.DangerousGetHandle(), offset, length, 2);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlNative(int fd, int cmd, int arg);

    private const int FGetfl = 3;
    private const int FSetfl = 4;
    public const int Einval = 22;
    public const int Enosys = 38;
    public const int Eopnotsupp = 95;

    // O_DIRECT differs between architectures; elsewhere direct I/O is simply not used.
    private static int ODirect => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x4000,
        Architecture.Arm64 => 0x10000,
        _ => 0,
    };

    /// <summary>
    /// Switches an open file to direct I/O (O_DIRECT), so that writes go from the caller's buffer to the device without a
    /// copy through the page cache. False when the platform or the file system does not allow it.
    /// </summary>
    public static bool TrySetDirectIo(SafeFileHandle handle, bool on)
    {
        var flag = ODirect;
        if (flag == 0)
        {
            return false;
        }

        var fd = (int)handle.DangerousGetHandle();
        var flags = FcntlNative(fd, FGetfl, 0);
        return flags >= 0 && FcntlNative(fd, FSetfl, on ? flags | flag : flags & ~flag) == 0;
    }

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FtruncateNative(int fd, long length);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MknodNative(string path, uint mode, ulong dev);

    public static bool TryLstat(string path, out FileStat stat, out int errno)
    {
        if (StatxNative(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, out var buf) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            stat = default;
            return false;
        }

        errno = 0;
        stat = FromStatx(in buf);
        return true;
    }

    public static FileStat Lstat(string path)
    {
        if (!TryLstat(path, out var st, out var errno))
        {
            throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        return st;
    }

    public static FileStat Fstat(SafeFileHandle handle)
    {
        var fd = (int)handle.DangerousGetHandle();
        if (StatxNative(fd, string.Empty, AtEmptyPath, StatxBasicStats, out var buf) != 0)
        {
            throw LastError("fstat");
        }

        return FromStatx(in buf);
    }

    private static FileStat FromStatx(in StatxBuffer b) => new(
        b.Mode,
        b.Uid,
        b.Gid,
        (long)b.Size,
        (long)b.Blocks,
        (b.MtimeSec * 1_000_000_000L) + b.MtimeNsec,
        (b.CtimeSec * 1_000_000_000L) + b.CtimeNsec,
        ((ulong)b.DevMajor << 32) | b.DevMinor,
        b.Ino,
        b.NLink);

    public static void Lchown(string path, uint uid, uint gid)
    {
        if (LchownNative(path, uid, gid) != 0)
        {
            throw LastError($"lchown {path}");
        }
    }

    public static void Fchown(SafeFileHandle handle, uint uid, uint gid)
    {
        if (FchownNative((int)handle.DangerousGetHandle(), uid, gid) != 0)
        {
            throw LastError("fchown");
        }
    }

    public static void Fchmod(SafeFileHandle handle, uint mode)
    {
        if (FchmodNative((int)handle.DangerousGetHandle(), mode) != 0)
        {
            throw LastError("fchmod");
        }
    }

    public static void Chmod(string path, uint mode)
    {
        if (ChmodNative(path, mode) != 0)
        {
            throw LastError($"chmod {path}");
        }
    }

    public static void SetTimes(string path, long mtimeNs, bool noFollow)
    {
        Span<long> times = stackalloc long[4];
        times[0] = mtimeNs / 1_000_000_000L;
        times[1] = mtimeNs % 1_000_000_000L;
        times[2] = times[0];
        times[3] = times[1];
        if (UtimensatNative(AtFdCwd, path, times, noFollow ? AtSymlinkNoFollow : 0) != 0)
        {
            throw LastError($"utimensat {path}");
        }
    }

    public static void SetTimes(SafeFileHandle handle, long mtimeNs)
    {
        Span<long> times = stackalloc long[4];
        times[0] = mtimeNs / 1_000_000_000L;
        times[1] = mtimeNs % 1_000_000_000L;
        times[2] = times[0];
        times[3] = times[1];
        if (FutimensNative((int)handle.DangerousGetHandle(), times) != 0)
        {
            throw LastError("futimens");
        }
    }

    public static void Link(string existing, string newPath)
    {
        if (LinkNative(existing, newPath) != 0)
        {
            throw LastError($"link {existing} -> {newPath}");
        }
    }

    public static void Fsync(SafeFileHandle handle)
    {
        if (FsyncNative((int)handle.DangerousGetHandle()) != 0)
        {
            throw LastError("fsync");
        }
    }

    public static void Fdatasync(SafeFileHandle handle)
    {
        if (FdatasyncNative((int)handle.DangerousGetHandle()) != 0)
        {
            throw LastError("fdatasync");
        }
    }

    /// <summary>
    /// Swaps two existing names atomically (renameat2 with RENAME_EXCHANGE). False, with nothing changed, when either
    /// name is missing or the file system or kernel cannot swap.
    /// </summary>
    public static bool TryExchange(string first, string second)
    {
        const int currentDirectory = -100;
        const uint exchange = 2;
        if (RenameAt2Native(currentDirectory, first, currentDirectory, second, exchange) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is Enoent or Einval or Enosys or Eopnotsupp ? false : throw new IOException($"exchange {first} and {second}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    /// <summary>Makes a new directory entry durable: fsync on the directory itself.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = OpenNative(directory, ORdonly | ODirectory | OCloexec);
        if (fd < 0)
        {
            throw LastError($"open {directory}");
        }

        try
        {
            if (FsyncNative(fd) != 0)
            {
                throw LastError($"fsync {directory}");
            }
        }
        finally
        {
            _ = CloseNative(fd);
        }
    }

    private const int ORdonly = 0;
    private const int ONonblock = 0x800;
    private const int ODirectory = 0x10000;
    private const int ONofollow = 0x20000;
    private const int OCloexec = 0x80000;
    private const int Enotdir = 20;

    /// <summary>
    /// Opens a file that a walk found to be regular, for reading. It takes no advisory lock: File.OpenHandle takes and
    /// drops one per file to emulate sharing modes, two system calls of about seven per small file. It follows no
    /// symlink swapped in since the walk, and it does not wait on a FIFO swapped in (reading that fails at once, and the
    /// file is reported as changed).
    /// </summary>
    public static SafeFileHandle OpenForBackup(string path)
    {
        var fd = OpenNative(path, ORdonly | ONonblock | ONofollow | OCloexec);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        var message = $"open {path}: {Marshal.GetPInvokeErrorMessage(errno)}";
        throw errno switch
        {
            Eacces or Eperm => new UnauthorizedAccessException(message),
            Enoent => new FileNotFoundException(message, path),
            Enotdir => new DirectoryNotFoundException(message),
            _ => new IOException(message, errno),
        };
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    private const int MadvHugePage = 14;

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int MadviseNative(nint address, nuint length, int advice);

    /// <summary>Asks for transparent huge pages; a kernel without them (or with them off) keeps small pages, which is fine.</summary>
    public static void AdviseHugePages(nint address, int length) => _ = MadviseNative(address, (nuint)length, MadvHugePage);

    private const int Eintr = 4;

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PreadNative(int fd, byte* buffer, nuint count, long offset);

    /// <summary>
    /// pread(2) on a handle from <see cref="OpenForBackup"/>. RandomAccess.Read first asks such a handle whether it can
    /// seek (an lseek per file).
    /// </summary>
    public static unsafe int Pread(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    var n = PreadNative((int)handle.DangerousGetHandle(), p, (nuint)buffer.Length, offset);
                    if (n >= 0)
                    {
                        return (int)n;
                    }

                    if (Marshal.GetLastPInvokeError() != Eintr)
                    {
                        throw LastError("pread");
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public static void Ftruncate(SafeFileHandle handle, long length)
    {
        if (FtruncateNative((int)handle.DangerousGetHandle(), length) != 0)
        {
            throw LastError("ftruncate");
        }
    }

    /// <summary>Creates a FIFO; tests use it to exercise the special-file warning.</summary>
    public static void MkFifo(string path, uint mode)
    {
        if (MknodNative(path, 0x1000 | mode, 0) != 0)
        {
            throw LastError($"mknod {path}");
        }
    }

    public static IOException LastError(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }
}
