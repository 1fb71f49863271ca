using System.Threading.Channels;

namespace Spool.ApiServer;

/// <summary>A registered watch: filtering and a bounded buffer so a slow client never blocks writers.</summary>
public sealed class Watcher
{
    private readonly Channel<(WatchEvent Event, string Type)> channel;

    public Watcher(string storageKey, ObjectFilter filter, int capacity)
    {
        StorageKey = storageKey;
        Filter = filter;
        channel = Channel.CreateBounded<(WatchEvent, string)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string StorageKey { get; }

    public ObjectFilter Filter { get; }

    /// <summary>True when the watcher fell too far behind and was disconnected.</summary>
    public bool Overflowed { get; private set; }

    public ChannelReader<(WatchEvent Event, string Type)> Reader => channel.Reader;

    /// <summary>Translates an event through the filter the way the watch cache does (objects leaving the selection become DELETED).</summary>
    public string? TypeFor(WatchEvent evt)
    {
        var now = Filter.Matches(evt.Object);
        if (evt.Type == "DELETED")
        {
            return now ? "DELETED" : null;
        }

        var before = evt.Previous is not null && Filter.Matches(evt.Previous);
        return (before, now) switch
        {
            (true, true) => evt.Type,
            (false, true) => "ADDED",
            (true, false) => "DELETED",
            _ => null,
        };
    }

    public void Deliver(WatchEvent evt)
    {
        if (Overflowed)
        {
            return;
        }

        var type = TypeFor(evt);
        if (type is null)
        {
            return;
        }

        if (!channel.Writer.TryWrite((evt, type)))
        {
            Overflowed = true;
            channel.Writer.TryComplete();
        }
    }

    public void Close() => channel.Writer.TryComplete();
}
