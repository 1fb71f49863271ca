namespace Spool.Agent.Host.Streaming;

/// <summary>Bytes and entries of a tree, for the progress total and ETA; symlinks are counted, never followed.</summary>
public static class SourceTotals
{
    public static (long Bytes, long Files) Scan(string root, CancellationToken cancellationToken)
    {
        long bytes = 0;
        long files = 0;
        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 };
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dir = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(dir).EnumerateFileSystemInfos("*", options);
                foreach (var entry in entries)
                {
                    files++;
                    if (entry.LinkTarget is not null)
                    {
                        continue;
                    }

                    if (entry is DirectoryInfo)
                    {
                        pending.Push(entry.FullName);
                    }
                    else if (entry is FileInfo file)
                    {
                        bytes += file.Length;
                    }
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Totals are an estimate for the ETA; the data path reports unreadable files itself.
            }
        }

        return (bytes, files);
    }
}
