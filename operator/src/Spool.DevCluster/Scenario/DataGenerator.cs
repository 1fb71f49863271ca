using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Spool.DevCluster.Scenario;

/// <summary>
/// Deterministic workload data: the same bytes, names, modes and times for the same seed and size. About 80% of the
/// bytes are incompressible (xoshiro256** output) in a few large files, the rest is text-like (a compressible word
/// salad), plus a tree of small files, an empty file, an empty directory and an executable, so that a restore is
/// checked on contents and on metadata.
/// </summary>
public static class DataGenerator
{
    /// <summary>Whole seconds, because that is what every archive format keeps.</summary>
    public static readonly DateTimeOffset BaseTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Words =
    [
        "spool", "tape", "drive", "node", "epoch", "lease", "checkpoint", "segment", "block", "volume", "claim", "pod",
        "restore", "backup", "operator", "agent", "fence", "stream", "catalog", "parity", "mirror", "the", "a", "of", "and",
        "to", "in", "is", "that", "it", "for", "on", "with", "as", "was", "at", "by", "from", "data", "write", "read",
    ];

    /// <summary>Writes about <paramref name="totalBytes"/> into <paramref name="root"/> and returns the exact byte count.</summary>
    public static long Generate(string root, long totalBytes, int seed = 1)
    {
        Directory.CreateDirectory(root);
        var rng = new Xoshiro(seed);
        long written = 0;
        var textBudget = totalBytes / 10;
        var smallBudget = totalBytes / 10;
        var bigBudget = totalBytes - textBudget - smallBudget;

        var bigCount = (int)Math.Clamp(bigBudget / (48L << 20), 1, 8);
        for (var i = 0; i < bigCount; i++)
        {
            var size = bigBudget / bigCount + (i == 0 ? bigBudget % bigCount : 0);
            var path = Path.Combine(root, "blobs", $"blob-{i:D2}.bin");
            written += WriteRandom(path, size, rng);
            Touch(path, i, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        var textPath = Path.Combine(root, "logs", "app.log");
        written += WriteText(textPath, textBudget / 2, rng);
        Touch(textPath, 100, null);
        var notes = Path.Combine(root, "docs", "notes.txt");
        written += WriteText(notes, textBudget - textBudget / 2, rng);
        Touch(notes, 101, null);

        long small = 0;
        var index = 0;
        while (small < smallBudget)
        {
            var size = 1024 + (long)(rng.NextDouble() * rng.NextDouble() * 64 * 1024);
            size = Math.Min(size, smallBudget - small + 1);
            var dir = Path.Combine(root, "tree", $"d{index % 7}", $"e{index % 5}");
            var path = Path.Combine(dir, $"f{index:D5}" + (index % 2 == 0 ? ".bin" : ".txt"));
            small += index % 2 == 0 ? WriteRandom(path, size, rng) : WriteText(path, size, rng);
            Touch(path, 200 + index, index % 11 == 0 ? UnixFileMode.UserRead | UnixFileMode.UserWrite : null);
            index++;
        }

        written += small;
        var empty = Path.Combine(root, "tree", "empty.dat");
        File.WriteAllBytes(empty, []);
        Touch(empty, 1000, null);
        Directory.CreateDirectory(Path.Combine(root, "tree", "empty-dir"));
        var script = Path.Combine(root, "bin", "run.sh");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, "#!/bin/sh\necho spool demo workload\n");
        written += new FileInfo(script).Length;
        Touch(script, 1001, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return written;
    }

    private static void Touch(string path, int index, UnixFileMode? mode)
    {
        File.SetLastWriteTimeUtc(path, BaseTime.AddMinutes(index).UtcDateTime);
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, m);
        }
    }

    private static long WriteRandom(string path, long size, Xoshiro rng)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var buffer = new byte[1 << 20];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var left = size;
        while (left > 0)
        {
            var n = (int)Math.Min(buffer.Length, left);
            rng.Fill(buffer.AsSpan(0, n));
            stream.Write(buffer, 0, n);
            left -= n;
        }

        return size;
    }

    private static long WriteText(string path, long size, Xoshiro rng)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var line = new StringBuilder();
        long done = 0;
        var number = 0;
        while (done < size)
        {
            line.Clear();
            line.Append(BaseTime.AddSeconds(number).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(' ');
            var words = 4 + (int)(rng.Next() % 12);
            for (var w = 0; w < words; w++)
            {
                line.Append(Words[(int)(rng.Next() % (ulong)Words.Length)]).Append(' ');
            }

            line.Append(number.ToString(CultureInfo.InvariantCulture)).Append('\n');
            var bytes = Encoding.ASCII.GetBytes(line.ToString());
            var n = (int)Math.Min(bytes.Length, size - done);
            stream.Write(bytes, 0, n);
            done += n;
            number++;
        }

        return size;
    }

    /// <summary>xoshiro256**: fast and deterministic across machines.</summary>
    private sealed class Xoshiro
    {
        private ulong s0;
        private ulong s1;
        private ulong s2;
        private ulong s3;

        public Xoshiro(int seed)
        {
            var x = (ulong)seed * 0x9E3779B97F4A7C15UL + 0x1234567UL;
            s0 = SplitMix(ref x);
            s1 = SplitMix(ref x);
            s2 = SplitMix(ref x);
            s3 = SplitMix(ref x);
        }

        private static ulong SplitMix(ref ulong x)
        {
            var z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public ulong Next()
        {
            var result = ulong.RotateLeft(s1 * 5, 7) * 9;
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            return result;
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        public void Fill(Span<byte> buffer)
        {
            var i = 0;
            for (; i + 8 <= buffer.Length; i += 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], Next());
            }

            if (i < buffer.Length)
            {
                Span<byte> tail = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(tail, Next());
                tail[..(buffer.Length - i)].CopyTo(buffer[i..]);
            }
        }
    }
}
