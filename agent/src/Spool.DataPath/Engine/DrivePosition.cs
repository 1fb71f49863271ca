namespace Spool.DataPath;

/// <summary>The next block to be written: drive, medium, tape file and block index inside that file.</summary>
public sealed record DrivePosition(string DriveId, int Medium, int File, long Block);
