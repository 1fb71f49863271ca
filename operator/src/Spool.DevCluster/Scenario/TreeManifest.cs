using System.Security.Cryptography;

namespace Spool.DevCluster.Scenario;

/// <summary>A tree's content and metadata, for proving a restore byte-identical: SHA-256 per file, size, mode, mtime, type.</summary>
public sealed record TreeManifest(IReadOnlyList<ManifestEntry> Entries)
{
    public long Bytes => Entries.Sum(e => e.Size);

    public int Files => Entries.Count(e => e.Type == 'f');

    public static TreeManifest Of(string root)
    {
        var full = Path.GetFullPath(root);
        var entries = new List<ManifestEntry>();
        Walk(new DirectoryInfo(full), full, entries);
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new TreeManifest(entries);
    }

    private static void Walk(DirectoryInfo dir, string root, List<ManifestEntry> entries)
    {
        foreach (var info in dir.EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, info.FullName);
            var mtime = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds();
            var mode = info.UnixFileMode;
            if (info.LinkTarget is { } target)
            {
                entries.Add(new ManifestEntry(relative, 'l', 0, 0, 0, target));
            }
            else if (info is DirectoryInfo sub)
            {
                entries.Add(new ManifestEntry(relative, 'd', 0, mode, 0, null));
                Walk(sub, root, entries);
            }
            else if (info is FileInfo file)
            {
                string hash;
                using (var stream = file.OpenRead())
                {
                    hash = Convert.ToHexStringLower(SHA256.HashData(stream));
                }

                entries.Add(new ManifestEntry(relative, 'f', file.Length, mode, mtime, hash));
            }
        }
    }

    /// <summary>Every difference, as readable lines; empty when the trees are identical.</summary>
    public IReadOnlyList<string> Compare(TreeManifest restored)
    {
        var differences = new List<string>();
        var theirs = restored.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (var mine in Entries)
        {
            if (!theirs.Remove(mine.Path, out var other))
            {
                differences.Add($"missing: {mine}");
            }
            else if (other != mine)
            {
                differences.Add($"differs: {mine}  vs restored  {other}");
            }
        }

        differences.AddRange(theirs.Values.Select(e => $"unexpected: {e}"));
        return differences;
    }
}
