using System.Text;
using Spool.DataPath.Native;

namespace Spool.DataPath.Tests;

/// <summary>Deterministic random source trees: odd names, deep paths, empty and sparse files, hardlinks, symlinks, empty dirs.</summary>
public static class RandomTree
{
    private static readonly string[] Names = ["a", "b c", "ünïcødé", "日本語", "new\nline", "tab\there", "x.txt", "-dash", ".hidden", "emoji😀", "UPPER", "z"];

    public static void Build(string root, int seed, int files = 25, int maxSize = 200_000)
    {
        var rng = new Random(seed);
        Directory.CreateDirectory(root);
        var dirs = new List<string> { root };
        var regular = new List<string>();
        for (var i = 0; i < files; i++)
        {
            var parent = dirs[rng.Next(dirs.Count)];
            var name = Names[rng.Next(Names.Length)] + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var path = Path.Combine(parent, name);
            switch (rng.Next(10))
            {
                case 0:
                case 1:
                    Directory.CreateDirectory(path);
                    dirs.Add(path);
                    break;
                case 2 when regular.Count > 0:
                    Posix.Link(regular[rng.Next(regular.Count)], path);
                    break;
                case 3:
                    File.CreateSymbolicLink(path, rng.Next(2) == 0 ? "../" + Names[rng.Next(Names.Length)] : "/etc/hostname");
                    break;
                case 4:
                    using (var fs = new FileStream(path, FileMode.CreateNew))
                    {
                        // Sparse: a hole, some data, a hole at the end.
                        fs.Seek(rng.Next(1, 3) * 1048576, SeekOrigin.Begin);
                        var data = new byte[rng.Next(1, 9000)];
                        rng.NextBytes(data);
                        fs.Write(data);
                        fs.SetLength(fs.Length + 1048576);
                    }

                    regular.Add(path);
                    break;
                default:
                    var size = rng.Next(4) == 0 ? 0 : rng.Next(maxSize);
                    var bytes = new byte[size];
                    if (rng.Next(2) == 0)
                    {
                        rng.NextBytes(bytes);
                    }
                    else
                    {
                        Encoding.ASCII.GetBytes(new string('t', size)).CopyTo(bytes, 0);
                    }

                    File.WriteAllBytes(path, bytes);
                    Posix.Chmod(path, rng.Next(3) switch { 0 => 0x1A4u, 1 => 0x1EDu, _ => 0x180u });
                    regular.Add(path);
                    break;
            }
        }

        // A path deeper than 255 bytes.
        var deep = root;
        for (var i = 0; i < 6; i++)
        {
            deep = Path.Combine(deep, new string((char)('k' + i), 60));
        }

        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "deep-file"), "deep " + seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));

        // Fixed mtimes (with nanoseconds) so a restore can be compared exactly.
        foreach (var p in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).OrderByDescending(p => p.Length))
        {
            Posix.SetTimes(p, 1_700_000_000_123_456_789L + rng.Next(1_000_000), noFollow: true);
        }
    }
}
