using Spool.DataPath.Native;

namespace Spool.DataPath.Source;

internal sealed record SourceEntry(string RelativePath, string FullPath, FileStat Stat, string? SymlinkTarget);
