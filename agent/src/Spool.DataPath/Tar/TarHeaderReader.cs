using System.Globalization;
using System.Text;

namespace Spool.DataPath.Tar;

/// <summary>Parses one ustar header block plus the pax records that preceded it. Used to cross-check the catalog at restore.</summary>
public static class TarHeaderReader
{
    public static bool IsZeroBlock(ReadOnlySpan<byte> block) => !block[..PaxTarWriter.BlockSize].ContainsAnyExcept((byte)0);

    public static bool TryParse(ReadOnlySpan<byte> b, IReadOnlyDictionary<string, string>? pax, out TarEntryHeader header, out string? error)
    {
        header = null!;
        if (!b.Slice(257, 5).SequenceEqual("ustar"u8))
        {
            error = "not a ustar header";
            return false;
        }

        long sum = 0;
        for (var i = 0; i < PaxTarWriter.BlockSize; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : b[i];
        }

        if (ParseOctal(b.Slice(148, 8)) != sum)
        {
            error = "tar header checksum mismatch";
            return false;
        }

        var name = CString(b[..100]);
        var prefix = CString(b.Slice(345, 155));
        var path = prefix.Length > 0 ? prefix + "/" + name : name;
        var link = CString(b.Slice(157, 100));
        var size = ParseOctal(b.Slice(124, 12));
        var uid = (uint)ParseOctal(b.Slice(108, 8));
        var gid = (uint)ParseOctal(b.Slice(116, 8));
        if (pax is not null)
        {
            if (pax.TryGetValue("path", out var p))
            {
                path = p;
            }

            if (pax.TryGetValue("linkpath", out var l))
            {
                link = l;
            }

            if (pax.TryGetValue("size", out var s))
            {
                size = long.Parse(s, CultureInfo.InvariantCulture);
            }

            if (pax.TryGetValue("uid", out var u))
            {
                uid = uint.Parse(u, CultureInfo.InvariantCulture);
            }

            if (pax.TryGetValue("gid", out var g))
            {
                gid = uint.Parse(g, CultureInfo.InvariantCulture);
            }
        }

        var type = (char)b[156];
        if (type == TarEntryHeader.Directory && path.EndsWith('/'))
        {
            path = path.TrimEnd('/');
        }

        header = new TarEntryHeader(path, type, size, (uint)ParseOctal(b.Slice(100, 8)), uid, gid, ParseOctal(b.Slice(136, 12)), link.Length == 0 ? null : link);
        error = null;
        return true;
    }

    public static Dictionary<string, string> ParsePax(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!data.IsEmpty)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(Encoding.ASCII.GetString(data[..space]), NumberStyles.None, CultureInfo.InvariantCulture, out var len) || len > data.Length || len <= space + 1)
            {
                if (!data.ContainsAnyExcept((byte)0))
                {
                    break;
                }

                throw new InvalidDataException("malformed pax record");
            }

            var record = data[(space + 1)..len];
            var eq = record.IndexOf((byte)'=');
            if (eq < 0 || record[^1] != (byte)'\n')
            {
                throw new InvalidDataException("malformed pax record");
            }

            result[Encoding.UTF8.GetString(record[..eq])] = Encoding.UTF8.GetString(record[(eq + 1)..^1]);
            data = data[len..];
        }

        return result;
    }

    private static string CString(ReadOnlySpan<byte> b)
    {
        var end = b.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? b : b[..end]);
    }

    private static long ParseOctal(ReadOnlySpan<byte> b)
    {
        long v = 0;
        foreach (var c in b)
        {
            if (c is (byte)' ' or 0)
            {
                if (v != 0)
                {
                    break;
                }

                continue;
            }

            if (c is < (byte)'0' or > (byte)'7')
            {
                break;
            }

            v = (v << 3) + (c - '0');
        }

        return v;
    }
}
