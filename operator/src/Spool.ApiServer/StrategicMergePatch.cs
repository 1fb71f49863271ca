using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// Strategic merge patch for built-ins without Go struct tags: a JSON merge patch whose well-known lists of objects
/// are merged by their patch merge key, honouring the $patch, $retainKeys, $setElementOrder and
/// $deleteFromPrimitiveList directives kubectl sends. Also the merge used by server-side apply.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
        ["volumeClaimTemplates"] = "metadata",
        ["subjects"] = string.Empty,
        ["rules"] = string.Empty,
        ["tolerations"] = string.Empty,
        ["args"] = string.Empty,
        ["command"] = string.Empty,
    };

    private static readonly HashSet<string> MergedPrimitiveLists = new(StringComparer.Ordinal) { "finalizers" };

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObj)
        {
            return patch?.DeepClone();
        }

        if (patchObj["$patch"] is JsonValue directive && directive.TryGetValue<string>(out var d))
        {
            if (d == "replace")
            {
                var replaced = patchObj.DeepClone().AsObject();
                replaced.Remove("$patch");
                return replaced;
            }

            if (d == "delete")
            {
                return null;
            }
        }

        var result = target is JsonObject t ? t : new JsonObject();
        if (patchObj["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.ToString()).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var key in result.Select(p => p.Key).ToList())
            {
                if (!keep.Contains(key))
                {
                    result.Remove(key);
                }
            }
        }

        foreach (var (key, value) in patchObj)
        {
            if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list && value is JsonArray remove)
                {
                    for (var i = list.Count - 1; i >= 0; i--)
                    {
                        if (remove.Any(r => JsonNode.DeepEquals(r, list[i])))
                        {
                            list.RemoveAt(i);
                        }
                    }
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            var existing = result[key];
            result.Remove(key);
            if (value is JsonArray patchList)
            {
                result[key] = MergeList(key, existing as JsonArray, patchList);
            }
            else
            {
                var merged = Apply(existing, value);
                if (merged is not null)
                {
                    result[key] = merged;
                }
            }
        }

        return result;
    }

    private static JsonArray MergeList(string field, JsonArray? existing, JsonArray patch)
    {
        if (patch.Any(i => i is JsonObject o && o["$patch"]?.ToString() == "replace"))
        {
            return new JsonArray([.. patch.Where(i => !(i is JsonObject o && o["$patch"]?.ToString() == "replace")).Select(i => i?.DeepClone())]);
        }

        if (existing is null)
        {
            return new JsonArray([.. patch.Where(i => !(i is JsonObject o && o["$patch"] is not null)).Select(i => i?.DeepClone())]);
        }

        if (MergedPrimitiveLists.Contains(field))
        {
            var merged = new JsonArray([.. existing.Select(i => i?.DeepClone())]);
            foreach (var item in patch)
            {
                if (!merged.Any(m => JsonNode.DeepEquals(m, item)))
                {
                    merged.Add(item?.DeepClone());
                }
            }

            return merged;
        }

        var mergeKey = MergeKeyFor(field, patch, existing);
        if (mergeKey is null)
        {
            return new JsonArray([.. patch.Select(i => i?.DeepClone())]);
        }

        var result = new JsonArray([.. existing.Select(i => i?.DeepClone())]);
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem)
            {
                continue;
            }

            var keyValue = patchItem[mergeKey];
            var index = -1;
            for (var i = 0; i < result.Count; i++)
            {
                if (result[i] is JsonObject candidate && JsonNode.DeepEquals(candidate[mergeKey], keyValue))
                {
                    index = i;
                    break;
                }
            }

            var isDelete = patchItem["$patch"]?.ToString() == "delete";
            if (isDelete)
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                var merged = Apply(result[index]!.DeepClone(), patchItem);
                result[index] = merged;
            }
            else
            {
                result.Add(Apply(new JsonObject(), patchItem));
            }
        }

        return result;
    }

    private static string? MergeKeyFor(string field, JsonArray patch, JsonArray existing)
    {
        if (field == "ports")
        {
            var sample = patch.Concat(existing).OfType<JsonObject>().FirstOrDefault();
            return sample is null ? null : sample.ContainsKey("containerPort") ? "containerPort" : "port";
        }

        if (MergeKeys.TryGetValue(field, out var key) && key.Length > 0 && key != "metadata")
        {
            return patch.Concat(existing).All(i => i is JsonObject) ? key : null;
        }

        return null;
    }
}
