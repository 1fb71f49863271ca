using Spool.DataPath.Drives;
using Spool.DataPath.Native;
using DriveType = Spool.DataPath.Drives.DriveType;

namespace Spool.DataPath.Tests;

public sealed class TapeDriveTests
{
    private const int Block = 16384;

    [Test]
    public void AppendsFilesWithMarksAndReadsBlocksBackByIndex()
    {
        var device = new FakeTapeDevice();
        using var drive = new TapeDrive(new DriveSpec(DriveType.Tape, "/dev/nst0", Block), device);
        device.Log[0].Should().Be((MtOperation.SetBlk, Block));
        for (var f = 0; f < 3; f++)
        {
            using var w = drive.AppendFile(nextMedium: false);
            w.Address.File.Should().Be(f + 1);
            for (var b = 0; b < 5; b++)
            {
                w.WriteBlock(Fill((byte)((f * 10) + b)));
            }

            w.Sync();
            w.Close();
        }

        device.Log.Should().Contain((MtOperation.Eom, 1));
        device.Log.Should().Contain((MtOperation.Weof, 0), "a sync flushes without writing a mark");
        device.Files.Should().HaveCount(3);
        drive.ListFiles().Select(f => f.Address.File).Should().Equal(1, 2, 3);

        using var r = drive.OpenFile(new TapeFileAddress(1, 2));
        var buf = new byte[Block];
        foreach (var i in new[] { 0, 3, 1, 4, 2 })
        {
            r.TryReadBlock(i, buf).Should().BeTrue();
            buf[0].Should().Be((byte)(10 + i));
        }

        r.TryReadBlock(5, buf).Should().BeFalse("the file mark ends the file");
        r.TryReadBlock(1, buf).Should().BeTrue("stepping back over the mark works");
        buf[0].Should().Be(11);
        var header = new byte[128];
        r.TryReadBlock(2, header).Should().BeTrue("a short buffer reads the start of a block");
        header[0].Should().Be(12);
    }

    [Test]
    public void RejectsWrongBlockSizesAndReportsMediumFull()
    {
        var device = new FakeTapeDevice();
        using var drive = new TapeDrive(new DriveSpec(DriveType.Tape, "/dev/nst0", Block), device);
        using var w = drive.AppendFile(false);
        var act = () => w.WriteBlock(new byte[Block - 1]);
        act.Should().Throw<ArgumentException>();
        var next = () => drive.AppendFile(nextMedium: true);
        next.Should().Throw<DriveException>().WithMessage("*full*");
    }

    private static byte[] Fill(byte v)
    {
        var b = new byte[Block];
        Array.Fill(b, v);
        return b;
    }
}
