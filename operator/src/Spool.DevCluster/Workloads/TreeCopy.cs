namespace Spool.DevCluster.Workloads;

/// <summary>Copies a directory tree with its modes and modification times; symlinks are copied as links.</summary>
public static class TreeCopy
{
    public static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        if (!Directory.Exists(source))
        {
            return;
        }

        var directories = new List<(DirectoryInfo From, string To)>();
        CopyDirectory(new DirectoryInfo(source), target, directories);

        // Directory times last: creating entries inside a directory moves its mtime.
        foreach (var (from, to) in Enumerable.Reverse(directories))
        {
            Directory.SetLastWriteTimeUtc(to, from.LastWriteTimeUtc);
        }
    }

    private static void CopyDirectory(DirectoryInfo from, string to, List<(DirectoryInfo From, string To)> directories)
    {
        Directory.CreateDirectory(to);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(to, from.UnixFileMode);
        }

        directories.Add((from, to));
        foreach (var entry in from.EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(destination, link);
            }
            else if (entry is DirectoryInfo directory)
            {
                CopyDirectory(directory, destination, directories);
            }
            else if (entry is FileInfo file)
            {
                file.CopyTo(destination, overwrite: true);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(destination, file.UnixFileMode);
                }

                File.SetLastWriteTimeUtc(destination, file.LastWriteTimeUtc);
            }
        }
    }
}
