namespace Spool.DataPath.Drives;

/// <summary>Where a tape file lives: medium number (1-based) and file number on that medium (1-based).</summary>
public readonly record struct TapeFileAddress(int Medium, int File)
{
    public override string ToString() => $"medium {Medium} file {File}";
}
