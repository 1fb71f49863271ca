using System.Text;

namespace Spool.ApiServer;

/// <summary>A change in the store. The encoded watch lines are built at most once per type and shared by all watchers.</summary>
public sealed class WatchEvent
{
    private static readonly byte[] Suffix = "}\n"u8.ToArray();
    private byte[]? added;
    private byte[]? modified;
    private byte[]? deleted;

    public WatchEvent(string type, StoredObject current, StoredObject? previous)
    {
        Type = type;
        Object = current;
        Previous = previous;
    }

    public string Type { get; }

    public StoredObject Object { get; }

    public StoredObject? Previous { get; }

    public long ResourceVersion => Object.ResourceVersion;

    public string StorageKey => Object.StorageKey;

    public byte[] LineFor(string type) => type switch
    {
        "ADDED" => added ??= Encode(type, Object.Json),
        "MODIFIED" => modified ??= Encode(type, Object.Json),
        _ => deleted ??= Encode(type, Object.Json),
    };

    public static byte[] Encode(string type, byte[] objectJson)
    {
        var prefix = Encoding.UTF8.GetBytes("{\"type\":\"" + type + "\",\"object\":");
        var line = new byte[prefix.Length + objectJson.Length + Suffix.Length];
        prefix.CopyTo(line, 0);
        objectJson.CopyTo(line, prefix.Length);
        Suffix.CopyTo(line, prefix.Length + objectJson.Length);
        return line;
    }
}
