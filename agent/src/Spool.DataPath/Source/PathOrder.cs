namespace Spool.DataPath.Source;

/// <summary>The walk order: depth first, siblings by ordinal name. Equivalent to comparing paths component by component.</summary>
internal sealed class PathOrder : IComparer<string>
{
    public static readonly PathOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? string.Empty).AsSpan();
        var b = (y ?? string.Empty).AsSpan();
        while (true)
        {
            if (a.IsEmpty || b.IsEmpty)
            {
                return a.IsEmpty && b.IsEmpty ? 0 : (a.IsEmpty ? -1 : 1);
            }

            var ia = a.IndexOf('/');
            var ib = b.IndexOf('/');
            var ca = ia < 0 ? a : a[..ia];
            var cb = ib < 0 ? b : b[..ib];
            var cmp = ca.SequenceCompareTo(cb);
            if (cmp != 0)
            {
                return cmp;
            }

            a = ia < 0 ? [] : a[(ia + 1)..];
            b = ib < 0 ? [] : b[(ib + 1)..];
            if (ia < 0 && ib < 0)
            {
                return 0;
            }

            if (ia < 0)
            {
                return -1;
            }

            if (ib < 0)
            {
                return 1;
            }
        }
    }
}
