using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spool.Transpiler;

/// <summary>A Markdown reference of the CRDs: one table per kind, one row per field, from the generated schemas.</summary>
public static class CrdReferenceWriter
{
    public static string Write(IEnumerable<JsonObject> crds, string headerComment)
    {
        var builder = new StringBuilder();
        builder.Append("<!-- ").Append(headerComment.Replace("\n", " ", StringComparison.Ordinal)).Append(" -->\n");
        builder.Append("# CRD reference\n\n");
        builder.Append("Every field of the Spool custom resources, generated from the C# types in `operator/src/Spool.Api` ");
        builder.Append("together with `crds/`. `kubectl explain <kind>.<field>` shows the same descriptions.\n");

        foreach (var crd in crds)
        {
            var spec = crd["spec"]!.AsObject();
            var names = spec["names"]!.AsObject();
            var kind = names["kind"]!.GetValue<string>();
            foreach (var version in spec["versions"]!.AsArray().Select(v => v!.AsObject()))
            {
                var schema = version["schema"]!["openAPIV3Schema"]!.AsObject();
                builder.Append("\n## ").Append(kind).Append(" (`").Append(spec["group"]!.GetValue<string>())
                    .Append('/').Append(version["name"]!.GetValue<string>()).Append("`)\n\n");
                if (schema["description"] is { } description)
                {
                    builder.Append(description.GetValue<string>()).Append("\n\n");
                }

                builder.Append("- Scope: ").Append(spec["scope"]!.GetValue<string>()).Append('\n');
                builder.Append("- Plural: `").Append(names["plural"]!.GetValue<string>()).Append('`');
                if (names["shortNames"] is JsonArray shortNames)
                {
                    builder.Append(", short names: ").Append(string.Join(", ", shortNames.Select(s => $"`{s!.GetValue<string>()}`")));
                }

                if (names["categories"] is JsonArray categories)
                {
                    builder.Append(", categories: ").Append(string.Join(", ", categories.Select(s => $"`{s!.GetValue<string>()}`")));
                }

                builder.Append('\n');
                if (version["additionalPrinterColumns"] is JsonArray columns)
                {
                    builder.Append("- Columns of `kubectl get`: ")
                        .Append(string.Join(", ", columns.Select(c => c!["name"]!.GetValue<string>() + (c["priority"] is null ? "" : " (wide)"))))
                        .Append('\n');
                }

                builder.Append("\n| Field | Type | Default | Description |\n| --- | --- | --- | --- |\n");
                var properties = schema["properties"]!.AsObject();
                foreach (var (name, child) in properties)
                {
                    if (name is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }

                    Rows(builder, name, child!.AsObject(), Required(schema).Contains(name));
                }
            }
        }

        return builder.ToString();
    }

    private static void Rows(StringBuilder builder, string path, JsonObject schema, bool required)
    {
        builder.Append("| `").Append(path).Append("` | ").Append(TypeText(schema, required)).Append(" | ")
            .Append(schema["default"] is { } d ? "`" + Cell(ScalarText(d)) + "`" : "")
            .Append(" | ").Append(Cell(DescriptionText(schema))).Append(" |\n");

        var type = schema["type"]?.GetValue<string>();
        if (type == "object" && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                Rows(builder, $"{path}.{name}", child!.AsObject(), Required(schema).Contains(name));
            }
        }
        else if (type == "array" && schema["items"] is JsonObject { } items && items["properties"] is JsonObject itemProperties)
        {
            foreach (var (name, child) in itemProperties)
            {
                Rows(builder, $"{path}[].{name}", child!.AsObject(), Required(items).Contains(name));
            }
        }
        else if (type == "object" && schema["additionalProperties"] is JsonObject { } values && values["properties"] is JsonObject valueProperties)
        {
            foreach (var (name, child) in valueProperties)
            {
                Rows(builder, $"{path}.*.{name}", child!.AsObject(), Required(values).Contains(name));
            }
        }
    }

    private static HashSet<string> Required(JsonObject schema) =>
        schema["required"] is JsonArray required
            ? required.Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
            : [];

    private static string TypeText(JsonObject schema, bool required)
    {
        var text = ShapeText(schema);
        var limits = new List<string>();
        if (schema["minimum"] is { } min)
        {
            limits.Add("≥ " + ScalarText(min));
        }

        if (schema["maximum"] is { } max)
        {
            limits.Add("≤ " + ScalarText(max));
        }

        if (schema["minLength"] is { } minLength)
        {
            limits.Add("length ≥ " + ScalarText(minLength));
        }

        if (schema["maxLength"] is { } maxLength)
        {
            limits.Add("length ≤ " + ScalarText(maxLength));
        }

        if (schema["minItems"] is { } minItems)
        {
            limits.Add("items ≥ " + ScalarText(minItems));
        }

        if (schema["maxItems"] is { } maxItems)
        {
            limits.Add("items ≤ " + ScalarText(maxItems));
        }

        if (schema["pattern"] is { } pattern)
        {
            limits.Add("pattern `" + Cell(pattern.GetValue<string>()) + "`");
        }

        if (limits.Count > 0)
        {
            text += ", " + string.Join(", ", limits);
        }

        return required ? $"{text}, **required**" : text;
    }

    private static string ShapeText(JsonObject schema)
    {
        var type = schema["type"]?.GetValue<string>();
        if (schema["enum"] is JsonArray values)
        {
            return "enum: " + string.Join(", ", values.Select(v => "`" + v!.GetValue<string>() + "`"));
        }

        return type switch
        {
            "array" => "[]" + ShapeText(schema["items"]!.AsObject()),
            "object" when schema["additionalProperties"] is JsonObject value => "map[string]" + ShapeText(value),
            null => "any",
            _ => schema["format"] is { } format ? $"{type} ({format.GetValue<string>()})" : type,
        };
    }

    private static string DescriptionText(JsonObject schema)
    {
        var text = schema["description"]?.GetValue<string>() ?? "";
        if (schema["x-kubernetes-validations"] is JsonArray rules)
        {
            text += string.Concat(rules.Select(r => " Rule: " + r!["message"]!.GetValue<string>() + "."));
        }

        return text.Trim();
    }

    private static string ScalarText(JsonNode node)
    {
        var element = JsonSerializer.SerializeToElement(node);
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Number => element.TryGetInt64(out var i)
                ? i.ToString(CultureInfo.InvariantCulture)
                : element.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            _ => element.GetRawText(),
        };
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
