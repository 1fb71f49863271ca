using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>Turns a stored CustomResourceDefinition into the resource types it serves (one per served version).</summary>
public static class CrdCompiler
{
    public static IReadOnlyList<ResourceType> Compile(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var group = spec?["group"]?.ToString();
        var plural = names?["plural"]?.ToString();
        var kind = names?["kind"]?.ToString();
        if (spec is null || names is null || group is null || plural is null || kind is null || spec["versions"] is not JsonArray versions)
        {
            return [];
        }

        var namespaced = spec["scope"]?.ToString() != "Cluster";
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var singular = names["singular"]?.ToString() is { Length: > 0 } s ? s : kind.ToLowerInvariant();
        var result = new List<ResourceType>();
        foreach (var v in versions.OfType<JsonObject>())
        {
            if (v["served"] is JsonValue served && served.TryGetValue<bool>(out var isServed) && !isServed)
            {
                continue;
            }

            var name = v["name"]?.ToString();
            if (name is null)
            {
                continue;
            }

            var columns = new List<PrinterColumn>();
            if (v["additionalPrinterColumns"] is JsonArray cols)
            {
                foreach (var c in cols.OfType<JsonObject>())
                {
                    columns.Add(new PrinterColumn(
                        c["name"]?.ToString() ?? string.Empty,
                        c["type"]?.ToString() ?? "string",
                        c["jsonPath"]?.ToString() ?? string.Empty,
                        c["description"]?.ToString() ?? string.Empty,
                        c["format"]?.ToString() ?? string.Empty,
                        c["priority"] is JsonValue p && p.TryGetValue<int>(out var pr) ? pr : 0));
                }
            }
            else
            {
                columns.Add(new PrinterColumn("Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created."));
            }

            var selectable = new List<string>();
            if (v["selectableFields"] is JsonArray fields)
            {
                selectable.AddRange(fields.OfType<JsonObject>().Select(f => f["jsonPath"]?.ToString()?.TrimStart('.')).OfType<string>());
            }

            result.Add(new ResourceType
            {
                Group = group,
                Version = name,
                Kind = kind,
                Plural = plural,
                Singular = singular,
                Namespaced = namespaced,
                ShortNames = shortNames,
                Categories = categories,
                HasStatus = v["subresources"]?["status"] is not null,
                PrinterColumns = columns,
                SelectableFields = selectable,
                Schema = v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
                IsCustom = true,
            });
        }

        return result;
    }

    /// <summary>Checks what the real server rejects outright in a CRD; returns field errors.</summary>
    public static List<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject;
        var group = spec?["group"]?.ToString();
        var plural = spec?["names"]?["plural"]?.ToString();
        if (string.IsNullOrEmpty(group))
        {
            errors.Add(new FieldError("FieldValueRequired", "spec.group", "Required value"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            errors.Add(new FieldError("FieldValueRequired", "spec.names.plural", "Required value"));
        }

        if (string.IsNullOrEmpty(spec?["names"]?["kind"]?.ToString()))
        {
            errors.Add(new FieldError("FieldValueRequired", "spec.names.kind", "Required value"));
        }

        if (spec?["scope"]?.ToString() is not ("Namespaced" or "Cluster"))
        {
            errors.Add(new FieldError("FieldValueNotSupported", "spec.scope", $"Unsupported value: {SchemaValidator.Render(spec?["scope"])}: supported values: \"Cluster\", \"Namespaced\""));
        }

        if (spec?["versions"] is not JsonArray { Count: > 0 } versions)
        {
            errors.Add(new FieldError("FieldValueInvalid", "spec.versions", "Invalid value: \"null\": must have exactly one version marked as storage version"));
        }
        else if (versions.OfType<JsonObject>().Count(v => v["storage"] is JsonValue s && s.TryGetValue<bool>(out var b) && b) != 1)
        {
            errors.Add(new FieldError("FieldValueInvalid", "spec.versions", "Invalid value: " + versions.ToJsonString() + ": must have exactly one version marked as storage version"));
        }

        var name = crd["metadata"]?["name"]?.ToString();
        if (group is not null && plural is not null && name != plural + "." + group)
        {
            errors.Add(new FieldError("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"));
        }

        return errors;
    }

    /// <summary>The status the apiextensions controller would publish: names accepted, established, stored versions.</summary>
    public static JsonObject StatusFor(JsonObject crd, string timestamp, JsonObject? previousStatus)
    {
        var spec = crd["spec"]!.AsObject();
        var storage = spec["versions"]!.AsArray().OfType<JsonObject>().First(v => v["storage"] is JsonValue s && s.TryGetValue<bool>(out var b) && b)["name"]!.ToString();
        var stored = new List<string>();
        if (previousStatus?["storedVersions"] is JsonArray prev)
        {
            stored.AddRange(prev.Select(p => p?.ToString()).OfType<string>());
        }

        if (!stored.Contains(storage))
        {
            stored.Add(storage);
        }

        JsonObject Condition(string type, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastTransitionTime"] = timestamp,
            ["reason"] = reason,
            ["message"] = message,
        };

        return new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = spec["names"]!.DeepClone(),
            ["storedVersions"] = new JsonArray([.. stored.Select(s => (JsonNode)JsonValue.Create(s))]),
        };
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray arr ? [.. arr.Select(n => n?.ToString()).OfType<string>()] : [];
}
