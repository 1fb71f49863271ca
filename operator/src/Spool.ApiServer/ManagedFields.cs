using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// managedFields bookkeeping in the FieldsV1 format. Ownership is recorded per manager and operation; server-side
/// apply uses the previous Apply set of a manager to remove fields it stopped applying. Conflicts between managers
/// are not detected.
/// </summary>
public static class ManagedFields
{
    private static readonly HashSet<string> SkippedMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generateName",
    };

    /// <summary>The FieldsV1 set of an object: every leaf and map key, with lists of objects keyed by merge key when known.</summary>
    public static JsonObject FieldSet(JsonObject obj, bool topLevel = true)
    {
        var set = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (topLevel && key is "apiVersion" or "kind")
            {
                continue;
            }

            if (topLevel && key == "metadata" && value is JsonObject meta)
            {
                var metaSet = new JsonObject();
                foreach (var (mk, mv) in meta)
                {
                    if (SkippedMetadata.Contains(mk))
                    {
                        continue;
                    }

                    metaSet["f:" + mk] = mv is JsonObject mo ? FieldSet(mo, false) : mv is JsonArray ma ? ListSet(mk, ma) : new JsonObject();
                }

                if (metaSet.Count > 0)
                {
                    set["f:metadata"] = metaSet;
                }

                continue;
            }

            set["f:" + key] = value switch
            {
                JsonObject o => WithDot(FieldSet(o, false)),
                JsonArray a => ListSet(key, a),
                _ => new JsonObject(),
            };
        }

        return set;
    }

    private static JsonObject WithDot(JsonObject set) => set;

    private static JsonObject ListSet(string field, JsonArray list)
    {
        var key = field switch
        {
            "containers" or "initContainers" or "volumes" or "env" or "imagePullSecrets" or "ephemeralContainers" => "name",
            "conditions" => "type",
            "volumeMounts" => "mountPath",
            "finalizers" => "v",
            _ => null,
        };
        var set = new JsonObject();
        if (key == "v")
        {
            foreach (var item in list)
            {
                set["v:" + item?.ToJsonString(JsonDefaults.Options)] = new JsonObject();
            }

            return set;
        }

        if (key is null || !list.All(i => i is JsonObject o && o[key] is not null))
        {
            return set;
        }

        foreach (var item in list.OfType<JsonObject>())
        {
            var inner = FieldSet(item, false);
            inner["."] = new JsonObject();
            set["k:" + new JsonObject { [key] = item[key]!.DeepClone() }.ToJsonString(JsonDefaults.Options)] = inner;
        }

        return set;
    }

    /// <summary>Records (or replaces) one manager's entry on <paramref name="obj"/>.</summary>
    public static void Record(JsonObject obj, string manager, string operation, string apiVersion, string time, JsonObject fields, string? subresource)
    {
        var meta = obj["metadata"]!.AsObject();
        var list = meta["managedFields"] as JsonArray ?? new JsonArray();
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i] is JsonObject e && e["manager"]?.ToString() == manager && e["operation"]?.ToString() == operation && e["subresource"]?.ToString() == subresource)
            {
                list.RemoveAt(i);
            }
        }

        var entry = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = apiVersion,
            ["time"] = time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fields,
        };
        if (subresource is not null)
        {
            entry["subresource"] = subresource;
        }

        list.Add(entry);
        meta["managedFields"] = list;
    }

    public static JsonObject? PreviousApply(JsonObject? obj, string manager) =>
        (obj?["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(e => e["manager"]?.ToString() == manager && e["operation"]?.ToString() == "Apply" && e["subresource"] is null)?["fieldsV1"] as JsonObject;

    /// <summary>Removes from <paramref name="target"/> the object fields present in <paramref name="previous"/> but absent from <paramref name="current"/>.</summary>
    public static void RemoveReleased(JsonObject target, JsonObject previous, JsonObject current)
    {
        foreach (var (key, prevChild) in previous)
        {
            if (!key.StartsWith("f:", StringComparison.Ordinal))
            {
                continue;
            }

            var name = key[2..];
            if (!current.ContainsKey(key))
            {
                if (!(target == target.Root && name is "metadata" or "apiVersion" or "kind"))
                {
                    target.Remove(name);
                }

                continue;
            }

            if (prevChild is JsonObject p && current[key] is JsonObject c && target[name] is JsonObject t && p.Any(e => e.Key.StartsWith("f:", StringComparison.Ordinal)))
            {
                RemoveReleased(t, p, c);
            }
        }
    }

    public static bool SameJson(JsonNode? a, JsonNode? b) =>
        JsonSerializer.Serialize(a, JsonDefaults.Options) == JsonSerializer.Serialize(b, JsonDefaults.Options);
}
