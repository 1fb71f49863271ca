using Spool.DataPath.Native;

namespace Spool.DataPath.Tests;

/// <summary>
/// A backup opens each file the walk found regular. What is at that path by then may differ: a symlink to anywhere, a
/// FIFO with no writer, nothing. The open must neither follow, nor hang, nor hide the reason.
/// </summary>
public sealed class OpenForBackupTests
{
    [Test]
    public void RegularFileReadsAtAnyOffset()
    {
        using var dir = new TempDir();
        var path = dir.Sub("f");
        File.WriteAllBytes(path, Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray());

        using var handle = Posix.OpenForBackup(path);
        var buffer = new byte[100];
        var n = Posix.Pread(handle, buffer, 9_950);

        n.Should().Be(50);
        buffer[..50].Should().Equal(Enumerable.Range(9_950, 50).Select(i => (byte)i));
        Posix.Pread(handle, buffer, 10_000).Should().Be(0);
    }

    [Test]
    public void SymlinkSwappedInIsNotFollowed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("secret"), "outside the walk");
        File.CreateSymbolicLink(dir.Sub("f"), dir.Sub("secret"));

        var open = () => Posix.OpenForBackup(dir.Sub("f"));

        open.Should().Throw<IOException>().WithMessage("*f*");
    }

    [Test]
    public void FifoSwappedInDoesNotBlock()
    {
        using var dir = new TempDir();
        Posix.MkFifo(dir.Sub("f"), 0x1A4);

        using var handle = Posix.OpenForBackup(dir.Sub("f"));
        var read = () => Posix.Pread(handle, new byte[16], 0);

        // pread on a pipe fails (ESPIPE) at once; the backup stores zeros and reports the file as changed.
        read.Should().Throw<IOException>();
    }

    [Test]
    public void VanishedFileIsNamedAsNotFound()
    {
        using var dir = new TempDir();

        var open = () => Posix.OpenForBackup(dir.Sub("gone"));

        open.Should().Throw<FileNotFoundException>().WithMessage("*gone*");
    }

    [Test]
    public void ClosedHandleIsRefused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("f"), "x");
        var handle = Posix.OpenForBackup(dir.Sub("f"));
        handle.Dispose();

        var read = () => Posix.Pread(handle, new byte[1], 0);

        read.Should().Throw<ObjectDisposedException>();
    }
}
