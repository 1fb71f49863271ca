using System.Security.Cryptography;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Streaming;

/// <summary>
/// Moves a restored tree from its staging directory into the target by rename (same file system, so hardlinks and
/// times survive), applying the conflict policy. On resume, a target file identical to the restored one is no conflict.
/// </summary>
public sealed class TargetMerge(string staging, string target, ConflictPolicy policy, bool resume)
{
    /// <summary>Relative paths that exist in both trees and differ (or any existing path when not resuming).</summary>
    public IReadOnlyList<string> Conflicts()
    {
        var conflicts = new List<string>();
        Walk(staging, target, "", conflicts, apply: false);
        return conflicts;
    }

    public void Apply() => Walk(staging, target, "", [], apply: true);

    private void Walk(string from, string to, string relative, List<string> conflicts, bool apply)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false }).ToList())
        {
            var rel = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var dest = Path.Combine(to, entry.Name);
            var destInfo = new FileInfo(dest);
            var destIsDir = Directory.Exists(dest) && destInfo.LinkTarget is null;
            var destExists = destIsDir || destInfo.Exists || destInfo.LinkTarget is not null;
            var isDir = entry is DirectoryInfo && entry.LinkTarget is null;
            if (!destExists)
            {
                if (apply)
                {
                    if (isDir)
                    {
                        Directory.Move(entry.FullName, dest);
                    }
                    else
                    {
                        File.Move(entry.FullName, dest);
                    }
                }

                continue;
            }

            if (isDir && destIsDir)
            {
                Walk(entry.FullName, dest, rel, conflicts, apply);
                continue;
            }

            if (resume && !isDir && Identical(entry.FullName, dest))
            {
                continue;
            }

            conflicts.Add(rel);
            if (!apply || policy != ConflictPolicy.Overwrite)
            {
                continue;
            }

            if (destIsDir)
            {
                Directory.Delete(dest, recursive: true);
            }
            else
            {
                File.Delete(dest);
            }

            if (isDir)
            {
                Directory.Move(entry.FullName, dest);
            }
            else
            {
                File.Move(entry.FullName, dest);
            }
        }
    }

    private static bool Identical(string a, string b)
    {
        var fa = new FileInfo(a);
        var fb = new FileInfo(b);
        if (fa.LinkTarget is not null || fb.LinkTarget is not null)
        {
            return fa.LinkTarget is not null && string.Equals(fa.LinkTarget, fb.LinkTarget, StringComparison.Ordinal);
        }

        if (!fa.Exists || !fb.Exists || fa.Length != fb.Length)
        {
            return false;
        }

        using var sa = File.OpenRead(a);
        using var sb = File.OpenRead(b);
        return SHA256.HashData(sa).AsSpan().SequenceEqual(SHA256.HashData(sb));
    }
}
