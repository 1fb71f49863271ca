namespace Spool.DataPath.Tar;

/// <summary>What a tar header says about one member.</summary>
public sealed record TarEntryHeader(string Path, char TypeFlag, long Size, uint Mode, uint Uid, uint Gid, long MtimeSeconds, string? LinkName)
{
    public const char Regular = '0';
    public const char HardLink = '1';
    public const char SymLink = '2';
    public const char Directory = '5';
    public const char PaxExtended = 'x';
}
