namespace Spool.DataPath;

public sealed record DamagedEntry(string Path, string Reason);
