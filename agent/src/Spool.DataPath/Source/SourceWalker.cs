using System.Threading.Channels;
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
        root = CheckRoot(root);
        var result = new List<SourceEntry>();
        Recurse(root, string.Empty, result.Add, warn, CancellationToken.None);
        return result;
    }

    /// <summary>
    /// The same walk on a pool thread, each entry written to <paramref name="output"/> as it is found, so that a backup
    /// starts reading files while the rest of the tree is still being listed. The root is checked before this returns;
    /// the channel completes at the end of the walk, or with the exception that stopped it.
    /// </summary>
    public static void Stream(string root, Action<BackupWarning> warn, ChannelWriter<SourceEntry> output, CancellationToken cancellationToken)
    {
        root = CheckRoot(root);
        _ = Task.Run(
            () =>
            {
                try
                {
                    Recurse(root, string.Empty, e => output.TryWrite(e), warn, cancellationToken);
                    output.TryComplete();
                }
                catch (Exception e)
                {
                    output.TryComplete(e);
                }
            },
            CancellationToken.None);
    }

    private static string CheckRoot(string root)
    {
        root = Path.GetFullPath(root);
        var rootStat = Posix.Lstat(root);
        if (!rootStat.IsDirectory)
        {
            throw new DirectoryNotFoundException($"source {root} is not a directory");
        }

        return root;
    }

    private static void Recurse(string dir, string relDir, Action<SourceEntry> found, Action<BackupWarning> warn, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
                found(new SourceEntry(rel, full, st, null));
                Recurse(full, rel, found, warn, cancellationToken);
            }
            else if (st.IsRegular)
            {
                found(new SourceEntry(rel, full, st, null));
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

                found(new SourceEntry(rel, full, st, target ?? string.Empty));
            }
            else
            {
                warn(new BackupWarning(WarningKind.SpecialFileSkipped, rel, $"special file (mode {Convert.ToString(st.Mode, 8)}) skipped"));
            }
        }
    }
}
