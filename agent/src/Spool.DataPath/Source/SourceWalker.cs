using Spool.DataPath.Native;

namespace Spool.DataPath.Source;

/// <summary>
/// Lists the source tree in <see cref="PathOrder"/>, lstat-ing every entry. The order is deterministic so that a resumed
/// process finds its place again by path. Unreadable directories and special files become warnings.
/// </summary>
internal static class SourceWalker
{
    public static List<SourceEntry> Walk(string root, Action<BackupWarning> warn)
    {
        root = Path.GetFullPath(root);
        var rootStat = Posix.Lstat(root);
        if (!rootStat.IsDirectory)
        {
            throw new DirectoryNotFoundException($"source {root} is not a directory");
        }

        var result = new List<SourceEntry>();
        Recurse(root, string.Empty, result, warn);
        return result;
    }

    private static void Recurse(string dir, string relDir, List<SourceEntry> result, Action<BackupWarning> warn)
    {
        string[] names;
        try
        {
            names = Directory.GetFileSystemEntries(dir).Select(p => Path.GetFileName(p)).ToArray();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            warn(new BackupWarning(e is UnauthorizedAccessException ? WarningKind.PermissionDenied : WarningKind.ReadError, relDir, $"cannot list directory: {e.Message}"));
            return;
        }

        Array.Sort(names, StringComparer.Ordinal);
        foreach (var name in names)
        {
            var full = Path.Combine(dir, name);
            var rel = relDir.Length == 0 ? name : relDir + "/" + name;
            if (!Posix.TryLstat(full, out var st, out var errno))
            {
                warn(new BackupWarning(errno == Posix.Enoent ? WarningKind.Vanished : WarningKind.ReadError, rel, $"cannot stat: errno {errno}"));
                continue;
            }

            if (st.IsDirectory)
            {
                result.Add(new SourceEntry(rel, full, st, null));
                Recurse(full, rel, result, warn);
            }
            else if (st.IsRegular)
            {
                result.Add(new SourceEntry(rel, full, st, null));
            }
            else if (st.IsSymlink)
            {
                string? target;
                try
                {
                    target = new FileInfo(full).LinkTarget;
                }
                catch (IOException e)
                {
                    warn(new BackupWarning(WarningKind.ReadError, rel, $"cannot read symlink: {e.Message}"));
                    continue;
                }

                result.Add(new SourceEntry(rel, full, st, target ?? string.Empty));
            }
            else
            {
                warn(new BackupWarning(WarningKind.SpecialFileSkipped, rel, $"special file (mode {Convert.ToString(st.Mode, 8)}) skipped"));
            }
        }
    }
}
