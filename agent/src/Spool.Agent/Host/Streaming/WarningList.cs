namespace Spool.Agent.Host.Streaming;

/// <summary>Warnings for <c>status.warnings</c>, bounded so that a tree full of changing files cannot bloat the status.</summary>
public sealed class WarningList
{
    public const int Limit = 50;
    private readonly Lock _gate = new();
    private readonly List<string> _items;
    private long _dropped;

    public WarningList(IEnumerable<string>? initial = null)
    {
        _items = [.. (initial ?? []).Take(Limit)];
    }

    public void Add(string warning)
    {
        lock (_gate)
        {
            if (_items.Count < Limit)
            {
                _items.Add(warning);
            }
            else
            {
                _dropped++;
            }
        }
    }

    public void AddRange(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            Add(warning);
        }
    }

    public IReadOnlyList<string>? Snapshot()
    {
        lock (_gate)
        {
            if (_items.Count == 0)
            {
                return null;
            }

            return _dropped == 0 ? [.. _items] : [.. _items, $"... and {_dropped} more warnings"];
        }
    }
}
