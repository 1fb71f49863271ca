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

    [Test]
    public void A_reused_medium_is_written_from_its_start_and_nothing_before_survives()
    {
        var device = new FakeTapeDevice();
        using var drive = new TapeDrive(new DriveSpec(DriveType.Tape, "/dev/nst0", Block), device);
        for (var f = 0; f < 3; f++)
        {
            using var old = drive.AppendFile(nextMedium: false);
            old.WriteBlock(Fill((byte)(f + 1)));
            old.Close();
        }

        drive.OverwriteFromStart();
        using (var first = drive.AppendFile(nextMedium: false))
        {
            first.Address.Should().Be(new TapeFileAddress(1, 1));
            first.WriteBlock(Fill(0xAA));
            first.Close();
        }

        using (var second = drive.AppendFile(nextMedium: false))
        {
            second.Address.Should().Be(new TapeFileAddress(1, 2), "only the first append after the call starts at the beginning");
            second.WriteBlock(Fill(0xBB));
            second.Close();
        }

        drive.ListFiles().Select(f => f.Address.File).Should().Equal(1, 2);
        using var r = drive.OpenFile(new TapeFileAddress(1, 1));
        var buf = new byte[Block];
        r.TryReadBlock(0, buf).Should().BeTrue();
        buf[0].Should().Be(0xAA);
        device.Log.Should().ContainInOrder((MtOperation.Rew, 1), (MtOperation.Eom, 1));
    }

    [Test]
    public void Overwriting_a_medium_is_refused_on_a_directory_drive()
    {
        using var dir = new TempDir();
        var source = dir.Sub("src");
        var directory = () => new BackupSession(new BackupRequest { SourcePath = source, Drive = DriveSpec.Directory(dir.Sub("drive")), OverwriteMedium = true }, new RecordingSink());
        directory.Should().Throw<ArgumentException>().WithMessage("*fresh start on a single tape drive*");
    }

    private static byte[] Fill(byte v)
    {
        var b = new byte[Block];
        Array.Fill(b, v);
        return b;
    }
}
