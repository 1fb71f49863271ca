namespace Spool.DataPath.Drives;

/// <summary>Contents of <c>drive.json</c> at the root of a directory drive.</summary>
public sealed record DriveLabel(string Id, int BlockSize, long? CapacityBytes, int FormatVersion);
