namespace Spool.DevCluster.Scenario;

/// <summary>One path of a tree: type, size, mode, mtime (whole seconds) and, for files, SHA-256.</summary>
public sealed record ManifestEntry(string Path, char Type, long Size, UnixFileMode Mode, long MtimeSeconds, string? Sha256)
{
    public override string ToString() => $"{Path} {Type} size={Size} mode={Convert.ToString((int)Mode, 8)} mtime={MtimeSeconds} sha256={Sha256?[..12]}";
}
