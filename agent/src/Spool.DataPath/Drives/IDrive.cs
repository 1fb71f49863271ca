namespace Spool.DataPath.Drives;

/// <summary>
/// A sequential block device with file marks. Backups only ever append new tape files; nothing is rewritten (retention
/// aside: see <see cref="TapeDrive.OverwriteFromStart"/> and <see cref="DriveReclaim"/>).
/// Several drives can be combined by a stream layer above this (striping, mirroring) without the drive knowing.
/// </summary>
public interface IDrive : IDisposable
{
    /// <summary>Stable identity recorded in segment references so a restore can find the right drive again.</summary>
    string Id { get; }

    DriveSpec Spec { get; }

    int BlockSize { get; }

    IReadOnlyList<TapeFileInfo> ListFiles();

    /// <summary>Starts a new tape file after the last one; with <paramref name="nextMedium"/> on the next medium.</summary>
    ITapeFileWriter AppendFile(bool nextMedium);

    ITapeFileReader OpenFile(TapeFileAddress address);
}
