using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

public static class DriveFactory
{
    /// <summary>Opens a drive. <paramref name="create"/> initialises an empty directory drive; tapes are never initialised implicitly.</summary>
    public static IDrive Open(DriveSpec spec, bool create) => spec.Type switch
    {
        DriveType.Directory => DirectoryDrive.Open(spec, create),
        DriveType.Tape => new TapeDrive(spec, new LinuxTapeDevice(spec.Path)),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };
}
