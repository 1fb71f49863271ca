using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// An immutable stored object: its JSON bytes (serialised once per write and shared by every reader and watcher)
/// plus the metadata needed for filtering without parsing.
/// </summary>
public sealed class StoredObject
{
    private JsonDocument? document;

    private StoredObject(string storageKey, string? ns, string name, long resourceVersion, byte[] json, ImmutableDictionary<string, string> labels, string uid, ImmutableArray<string> ownerUids, bool terminating)
    {
        StorageKey = storageKey;
        Namespace = ns;
        Name = name;
        ResourceVersion = resourceVersion;
        Json = json;
        Labels = labels;
        Uid = uid;
        OwnerUids = ownerUids;
        Terminating = terminating;
    }

    public string StorageKey { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public long ResourceVersion { get; }

    public byte[] Json { get; }

    public ImmutableDictionary<string, string> Labels { get; }

    public string Uid { get; }

    public ImmutableArray<string> OwnerUids { get; }

    public bool Terminating { get; }

    public string Key => KeyOf(Namespace, Name);

    public static string KeyOf(string? ns, string name) => (ns ?? string.Empty) + "/" + name;

    public static StoredObject Create(string storageKey, JsonObject obj)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(obj, JsonDefaults.Options);
        return FromParts(storageKey, obj, json);
    }

    public static StoredObject FromParts(string storageKey, JsonObject obj, byte[] json)
    {
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        var ns = meta["namespace"]?.GetValue<string>();
        var name = meta["name"]?.GetValue<string>() ?? string.Empty;
        var rvText = meta["resourceVersion"]?.GetValue<string>();
        var rv = long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        var labels = ImmutableDictionary<string, string>.Empty;
        if (meta["labels"] is JsonObject labelObj)
        {
            var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in labelObj)
            {
                builder[k] = v?.GetValue<string>() ?? string.Empty;
            }

            labels = builder.ToImmutable();
        }

        var owners = ImmutableArray<string>.Empty;
        if (meta["ownerReferences"] is JsonArray refs)
        {
            owners = [.. refs.OfType<JsonObject>().Select(r => r["uid"]?.GetValue<string>()).OfType<string>()];
        }

        return new StoredObject(storageKey, string.IsNullOrEmpty(ns) ? null : ns, name, rv, json, labels, meta["uid"]?.GetValue<string>() ?? string.Empty, owners, meta["deletionTimestamp"] is not null);
    }

    /// <summary>A fresh mutable copy for a writer.</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(Json)!.AsObject();

    /// <summary>Reads a dotted field path for field selectors; scalars render as the real server renders them.</summary>
    public string? GetField(string path)
    {
        var doc = Volatile.Read(ref document);
        if (doc is null)
        {
            doc = JsonDocument.Parse(Json);
            var existing = Interlocked.CompareExchange(ref document, doc, null);
            if (existing is not null)
            {
                doc.Dispose();
                doc = existing;
            }
        }

        var element = doc.RootElement;
        foreach (var part in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
    }
}
