namespace Spool.DataPath.Drives;

public enum DriveType
{
    /// <summary>A directory standing in for a tape library: a subdirectory per medium holding numbered tape files.</summary>
    Directory,

    /// <summary>A Linux SCSI tape through the st driver (a non-rewinding node such as /dev/nst0).</summary>
    Tape,
}
