using Spool.DataPath.Drives;

namespace Spool.DataPath.Tests;

/// <summary>
/// The directory drive's writer gathers blocks for direct I/O in runs of about 4 MiB; every accepted block must be in the
/// tape file, in order, after Sync, after Close and after an abandoned writer is disposed, whatever the block count.
/// </summary>
public sealed class DirectoryTapeFileWriterTests
{
    [TestCase(256 * 1024, 37)] // runs of 2, 4, 8 and 16 blocks, then a partial one
    [TestCase(256 * 1024, 150)] // more runs than staging buffers, so the writer waits for the device
    [TestCase(64 * 1024, 120)] // runs of 8, 16, 32 and 64 blocks: ends exactly at a run
    [TestCase(4096, 3)]
    [TestCase(4608, 5)] // not a multiple of 4 KiB: written through the page cache
    [TestCase(8 << 20, 2)] // larger than a run: one block per write
    public void EveryBlockIsInTheFileAfterClose(int blockSize, int blocks)
    {
        using var tmp = new TempDir();
        using var drive = DriveFactory.Open(DriveSpec.Directory(tmp.Sub("d"), blockSize), create: true);
        TapeFileAddress address;
        using (var w = drive.AppendFile(nextMedium: false))
        {
            address = w.Address;
            for (var i = 0; i < blocks; i++)
            {
                w.WriteBlock(Block(blockSize, i));
            }

            w.BlocksWritten.Should().Be(blocks);
            w.Close();
        }

        ReadAll(drive, address, blockSize).Should().Equal(Enumerable.Range(0, blocks));
    }

    [Test]
    public void SyncWritesOutAPartialRunAndWritingContinuesAfterIt()
    {
        const int blockSize = 256 * 1024;
        using var tmp = new TempDir();
        using var drive = DriveFactory.Open(DriveSpec.Directory(tmp.Sub("d"), blockSize), create: true);
        using var w = drive.AppendFile(nextMedium: false);
        for (var i = 0; i < 5; i++)
        {
            w.WriteBlock(Block(blockSize, i));
        }

        w.Sync();
        ReadAll(drive, w.Address, blockSize).Should().Equal(Enumerable.Range(0, 5));
        for (var i = 5; i < 23; i++)
        {
            w.WriteBlock(Block(blockSize, i));
        }

        w.Sync();
        ReadAll(drive, w.Address, blockSize).Should().Equal(Enumerable.Range(0, 23));
    }

    [Test]
    public void AnAbandonedWriterStillLeavesEveryAcceptedBlockInTheFile()
    {
        const int blockSize = 256 * 1024;
        using var tmp = new TempDir();
        using var drive = DriveFactory.Open(DriveSpec.Directory(tmp.Sub("d"), blockSize), create: true);
        TapeFileAddress address;
        using (var w = drive.AppendFile(nextMedium: false))
        {
            address = w.Address;
            for (var i = 0; i < 20; i++)
            {
                w.WriteBlock(Block(blockSize, i));
            }
        }

        ReadAll(drive, address, blockSize).Should().Equal(Enumerable.Range(0, 20));
    }

    /// <summary>A block whose every 8-byte word holds its index, so a misplaced or torn block shows.</summary>
    private static byte[] Block(int size, int index)
    {
        var b = new byte[size];
        for (var at = 0; at + 8 <= size; at += 8)
        {
            BitConverter.TryWriteBytes(b.AsSpan(at), (long)index);
        }

        return b;
    }

    private static List<int> ReadAll(IDrive drive, TapeFileAddress address, int blockSize)
    {
        var result = new List<int>();
        using var r = drive.OpenFile(address);
        var b = new byte[blockSize];
        for (long i = 0; r.TryReadBlock(i, b); i++)
        {
            var index = BitConverter.ToInt64(b, 0);
            for (var at = 0; at + 8 <= blockSize; at += 8)
            {
                BitConverter.ToInt64(b, at).Should().Be(index, $"block {i} is uniform");
            }

            result.Add((int)index);
        }

        return result;
    }
}
