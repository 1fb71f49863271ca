using System.Globalization;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>RFC 6902 JSON patch, including the test operation.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }

        var root = document;
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op || op["op"] is not JsonValue opValue || !opValue.TryGetValue<string>(out var name) || op["path"] is not JsonValue pathValue || !pathValue.TryGetValue<string>(out var path))
            {
                throw StatusFactory.BadRequest("invalid JSON patch operation: each operation needs string \"op\" and \"path\"");
            }

            switch (name)
            {
                case "add":
                    root = Add(root, path, Value(op));
                    break;
                case "remove":
                    root = Remove(root, path, out _);
                    break;
                case "replace":
                    Get(root, path);
                    root = Remove(root, path, out _);
                    root = Add(root, path, Value(op));
                    break;
                case "move":
                {
                    var from = From(op);
                    root = Remove(root, from, out var moved);
                    root = Add(root, path, moved);
                    break;
                }

                case "copy":
                    root = Add(root, path, Get(root, From(op))?.DeepClone());
                    break;
                case "test":
                {
                    var actual = Get(root, path);
                    if (!JsonNode.DeepEquals(actual, op["value"]))
                    {
                        throw Failed($"testing value {path} failed: test failed");
                    }

                    break;
                }

                default:
                    throw StatusFactory.BadRequest($"Unexpected kind: {name}");
            }
        }

        return root;
    }

    private static ApiException Failed(string message) => new(422, "Invalid", message);

    private static JsonNode? Value(JsonObject op)
    {
        if (!op.ContainsKey("value"))
        {
            throw StatusFactory.BadRequest("missing value for JSON patch operation");
        }

        return op["value"]?.DeepClone();
    }

    private static string From(JsonObject op) =>
        op["from"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw StatusFactory.BadRequest("missing from for JSON patch operation");

    private static List<string> Parse(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (!path.StartsWith('/'))
        {
            throw StatusFactory.BadRequest($"invalid JSON pointer \"{path}\"");
        }

        return [.. path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var part in Parse(path))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out var child) => child,
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw Failed($"doc is missing path: \"{path}\": missing value"),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string path)
    {
        var parts = Parse(path);
        if (parts.Count == 0)
        {
            throw Failed("cannot operate on the document root");
        }

        var parentPath = string.Concat(parts.Take(parts.Count - 1).Select(p => "/" + p.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        var parent = Get(root, parentPath) ?? throw Failed($"doc is missing path: \"{path}\": missing value");
        return (parent, parts[^1]);
    }

    private static JsonNode Add(JsonNode root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw Failed("cannot replace the document root with null");
        }

        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject o:
                o.Remove(last);
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Failed($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        return root;
    }

    private static JsonNode Remove(JsonNode root, string path, out JsonNode? removed)
    {
        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var child):
                o.Remove(last);
                removed = child;
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw Failed($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        return root;
    }
}
