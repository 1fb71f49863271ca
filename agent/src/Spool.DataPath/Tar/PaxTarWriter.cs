using System.Globalization;
using System.Text;

namespace Spool.DataPath.Tar;

/// <summary>
/// Produces POSIX.1-2001 (pax) tar headers: a plain ustar header when the member fits, preceded by an 'x' extended header
/// carrying path, linkpath, size, uid or gid when it does not (long or non-ASCII names, sizes of 8 GiB and more).
/// </summary>
public static class PaxTarWriter
{
    public const int BlockSize = 512;
    private const long MaxOctal11 = 0x1FFFFFFFFL;
    private const long MaxOctal7 = 0x1FFFFF;

    /// <summary>Bytes of zero padding after <paramref name="size"/> bytes of member data.</summary>
    public static int Padding(long size) => (int)((BlockSize - (size % BlockSize)) % BlockSize);

    /// <summary>Two zero blocks end the archive.</summary>
    public static int TrailerLength => 2 * BlockSize;

    /// <summary>Writes the header (and any extended header) for <paramref name="h"/>; returns the bytes.</summary>
    public static byte[] Header(TarEntryHeader h)
    {
        var records = new StringBuilder();
        var name = h.TypeFlag == TarEntryHeader.Directory ? h.Path + "/" : h.Path;
        var nameBytes = Encoding.UTF8.GetBytes(name);
        string ustarName = name;
        string ustarPrefix = string.Empty;
        if (!IsAscii(nameBytes) || !TrySplit(name, nameBytes, out ustarPrefix, out ustarName))
        {
            AddRecord(records, "path", name);
            ustarName = AsciiTail(name, 100);
            ustarPrefix = string.Empty;
        }

        var link = h.LinkName ?? string.Empty;
        var linkBytes = Encoding.UTF8.GetBytes(link);
        if (linkBytes.Length > 100 || !IsAscii(linkBytes))
        {
            AddRecord(records, "linkpath", link);
            link = AsciiTail(link, 100);
        }

        if (h.Size > MaxOctal11)
        {
            AddRecord(records, "size", h.Size.ToString(CultureInfo.InvariantCulture));
        }

        if (h.Uid > MaxOctal7)
        {
            AddRecord(records, "uid", h.Uid.ToString(CultureInfo.InvariantCulture));
        }

        if (h.Gid > MaxOctal7)
        {
            AddRecord(records, "gid", h.Gid.ToString(CultureInfo.InvariantCulture));
        }

        var main = new byte[BlockSize];
        WriteUstar(main, ustarName, ustarPrefix, h.TypeFlag, Math.Min(h.Size, MaxOctal11), h.Mode, Math.Min(h.Uid, (uint)MaxOctal7), Math.Min(h.Gid, (uint)MaxOctal7), h.MtimeSeconds, link);
        if (records.Length == 0)
        {
            return main;
        }

        var pax = Encoding.UTF8.GetBytes(records.ToString());
        var result = new byte[BlockSize + pax.Length + Padding(pax.Length) + BlockSize];
        WriteUstar(result, "PaxHeaders/" + AsciiTail(name, 80), string.Empty, TarEntryHeader.PaxExtended, pax.Length, 0x1A4, 0, 0, h.MtimeSeconds, string.Empty);
        pax.CopyTo(result, BlockSize);
        main.CopyTo(result, result.Length - BlockSize);
        return result;
    }

    private static void AddRecord(StringBuilder sb, string key, string value)
    {
        var payload = Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 3;
        var len = payload + 1;
        while (len != payload + len.ToString(CultureInfo.InvariantCulture).Length)
        {
            len = payload + len.ToString(CultureInfo.InvariantCulture).Length;
        }

        sb.Append(len.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(key).Append('=').Append(value).Append('\n');
    }

    private static bool IsAscii(byte[] b) => Array.TrueForAll(b, x => x is > 0 and < 0x80);

    private static string AsciiTail(string s, int max)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            sb.Append(c is > (char)0x1F and < (char)0x7F ? c : '_');
        }

        var r = sb.ToString();
        return r.Length <= max ? r : r[^max..];
    }

    private static bool TrySplit(string name, byte[] bytes, out string prefix, out string rest)
    {
        prefix = string.Empty;
        rest = name;
        if (bytes.Length <= 100)
        {
            return true;
        }

        // Split at a slash so that prefix <= 155 and name <= 100 bytes (ASCII here, so chars == bytes).
        for (var i = name.Length - 1; i > 0; i--)
        {
            if (name[i] == '/' && i <= 155 && name.Length - i - 1 <= 100 && name.Length - i - 1 > 0)
            {
                prefix = name[..i];
                rest = name[(i + 1)..];
                return true;
            }
        }

        return false;
    }

    private static void WriteUstar(Span<byte> b, string name, string prefix, char type, long size, uint mode, uint uid, uint gid, long mtime, string link)
    {
        b[..BlockSize].Clear();
        Encoding.ASCII.GetBytes(name, b[..100]);
        Octal(b.Slice(100, 8), mode & 0xFFF);
        Octal(b.Slice(108, 8), uid);
        Octal(b.Slice(116, 8), gid);
        Octal(b.Slice(124, 12), size);
        Octal(b.Slice(136, 12), Math.Clamp(mtime, 0, 0x1FFFFFFFFL));
        b[156] = (byte)type;
        Encoding.ASCII.GetBytes(link, b.Slice(157, 100));
        "ustar\0"u8.CopyTo(b[257..]);
        "00"u8.CopyTo(b[263..]);
        Encoding.ASCII.GetBytes(prefix, b.Slice(345, 155));
        b.Slice(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (var x in b[..BlockSize])
        {
            sum += x;
        }

        Octal(b.Slice(148, 7), sum);
        b[155] = (byte)' ';
    }

    private static void Octal(Span<byte> field, long value)
    {
        // field.Length - 1 digits, zero padded, NUL terminated.
        var digits = field.Length - 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }

        field[digits] = 0;
    }
}
