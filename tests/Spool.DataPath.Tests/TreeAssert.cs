using System.Security.Cryptography;
using Spool.DataPath.Native;

namespace Spool.DataPath.Tests;

public static class TreeAssert
{
    /// <summary>Same entries, types, content, modes, mtimes, ownership, symlink targets and hardlink structure.</summary>
    public static void Identical(string expected, string actual)
    {
        var a = Snapshot(expected);
        var b = Snapshot(actual);
        b.Keys.Should().BeEquivalentTo(a.Keys);
        foreach (var (path, e) in a)
        {
            b[path].Should().Be(e, $"entry {path}");
        }

        Groups(expected).Should().BeEquivalentTo(Groups(actual));
    }

    public static Dictionary<string, string> Snapshot(string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(root, p);
            var st = Posix.Lstat(p);
            var what = st.IsSymlink ? "link:" + new FileInfo(p).LinkTarget
                : st.IsDirectory ? "dir"
                : "file:" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)));
            result[rel] = $"{what} mode={Convert.ToString(st.Permissions, 8)} uid={st.Uid} gid={st.Gid} mtime={st.MtimeNs}";
        }

        return result;
    }

    private static List<string> Groups(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(p => (Rel: Path.GetRelativePath(root, p), St: Posix.Lstat(p)))
            .Where(x => x.St.IsRegular && x.St.LinkCount > 1)
            .GroupBy(x => x.St.Inode)
            .Select(g => string.Join("|", g.Select(x => x.Rel).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
}
