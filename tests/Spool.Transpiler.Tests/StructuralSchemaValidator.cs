using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spool.Transpiler.Tests;

/// <summary>
/// Validates an object against a CRD's structural schema as the API server does before CEL: types, formats,
/// enums, bounds, lengths, patterns, required fields, list-map keys, and (as <c>kubectl apply</c>'s strict
/// field validation does) unknown fields. CEL rules are checked by <see cref="CelEvaluator"/>.
/// </summary>
public static class StructuralSchemaValidator
{
    public static IReadOnlyList<SchemaError> Validate(JsonNode? value, JsonObject schema)
    {
        var errors = new List<SchemaError>();
        Validate(value, schema, "", errors, root: true);
        return errors;
    }

    private static void Validate(JsonNode? value, JsonObject schema, string path, List<SchemaError> errors, bool root = false)
    {
        if (value is null)
        {
            // Without nullable: true the API server prunes nulls, so null reads as absent.
            return;
        }

        var type = schema["type"]?.GetValue<string>();
        var kind = value.GetValueKind();
        if (type is not null && !TypeMatches(type, value, kind))
        {
            errors.Add(new SchemaError(path, $"Invalid value: \"{Describe(kind)}\": {path} in body must be of type {type}: \"{Describe(kind)}\""));
            return;
        }

        switch (kind)
        {
            case JsonValueKind.Object:
                ValidateObject(value.AsObject(), schema, path, errors, root);
                break;
            case JsonValueKind.Array:
                ValidateArray(value.AsArray(), schema, path, errors);
                break;
            case JsonValueKind.String:
                ValidateString(value.GetValue<string>(), schema, path, errors);
                break;
            case JsonValueKind.Number:
                ValidateNumber(value, schema, path, errors);
                break;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(new SchemaError(path, $"Unsupported value: {value.ToJsonString()}: supported values: {string.Join(", ", allowed.Select(a => a!.ToJsonString()))}"));
        }
    }

    private static void ValidateObject(JsonObject value, JsonObject schema, string path, List<SchemaError> errors, bool root)
    {
        var preserve = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;
        foreach (var (name, child) in value)
        {
            var childPath = Join(path, name);
            if (root && name == "metadata")
            {
                continue;
            }

            if (properties?[name] is JsonObject propertySchema)
            {
                Validate(child, propertySchema, childPath, errors);
            }
            else if (additional is not null)
            {
                Validate(child, additional, childPath, errors);
            }
            else if (!preserve)
            {
                errors.Add(new SchemaError(childPath, $"unknown field \"{childPath}\""));
            }
        }

        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()))
            {
                if (value[name] is null)
                {
                    errors.Add(new SchemaError(Join(path, name), "Required value"));
                }
            }
        }
    }

    private static void ValidateArray(JsonArray value, JsonObject schema, string path, List<SchemaError> errors)
    {
        if (schema["minItems"] is { } minItems && value.Count < minItems.GetValue<int>())
        {
            errors.Add(new SchemaError(path, $"Invalid value: {value.Count}: {path} in body should have at least {minItems} items"));
        }

        if (schema["maxItems"] is { } maxItems && value.Count > maxItems.GetValue<int>())
        {
            errors.Add(new SchemaError(path, $"Too many: {value.Count}: must have at most {maxItems} items"));
        }

        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < value.Count; i++)
            {
                Validate(value[i], items, $"{path}[{i}]", errors);
            }
        }

        if (schema["x-kubernetes-list-type"]?.GetValue<string>() == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray keys)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < value.Count; i++)
            {
                var key = string.Join("\u0000", keys.Select(k => value[i]?[k!.GetValue<string>()]?.ToJsonString() ?? ""));
                if (!seen.Add(key))
                {
                    errors.Add(new SchemaError($"{path}[{i}]", $"Duplicate value: {key.Replace('\u0000', ',')}"));
                }
            }
        }
    }

    private static void ValidateString(string value, JsonObject schema, string path, List<SchemaError> errors)
    {
        var length = value.EnumerateRunes().Count();
        if (schema["minLength"] is { } minLength && length < minLength.GetValue<int>())
        {
            errors.Add(new SchemaError(path, $"Invalid value: \"{value}\": {path} in body should be at least {minLength} chars long"));
        }

        if (schema["maxLength"] is { } maxLength && length > maxLength.GetValue<int>())
        {
            errors.Add(new SchemaError(path, $"Too long: may not be more than {maxLength} bytes"));
        }

        if (schema["pattern"] is { } pattern && !Regex.IsMatch(value, pattern.GetValue<string>(), RegexOptions.ECMAScript | RegexOptions.CultureInvariant))
        {
            errors.Add(new SchemaError(path, $"Invalid value: \"{value}\": {path} in body should match '{pattern}'"));
        }

        if (schema["format"]?.GetValue<string>() == "date-time"
            && !DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add(new SchemaError(path, $"Invalid value: \"{value}\": {path} in body must be of type date-time: \"{value}\""));
        }
    }

    private static void ValidateNumber(JsonNode value, JsonObject schema, string path, List<SchemaError> errors)
    {
        var number = JsonSerializer.SerializeToElement(value).GetDouble();
        var text = value.ToJsonString();
        if (schema["minimum"] is { } minimum)
        {
            var min = JsonSerializer.SerializeToElement(minimum).GetDouble();
            if (number < min)
            {
                errors.Add(new SchemaError(path, $"Invalid value: {text}: {path} in body should be greater than or equal to {minimum.ToJsonString()}"));
            }
        }

        if (schema["maximum"] is { } maximum)
        {
            var max = JsonSerializer.SerializeToElement(maximum).GetDouble();
            if (number > max)
            {
                errors.Add(new SchemaError(path, $"Invalid value: {text}: {path} in body should be less than or equal to {maximum.ToJsonString()}"));
            }
        }

        var format = schema["format"]?.GetValue<string>();
        if (format == "int32" && (number < int.MinValue || number > int.MaxValue))
        {
            errors.Add(new SchemaError(path, $"Invalid value: {text}: {path} in body must be of type int32"));
        }
    }

    private static bool TypeMatches(string type, JsonNode value, JsonValueKind kind) => type switch
    {
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "string" => kind == JsonValueKind.String,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "number" => kind == JsonValueKind.Number,
        "integer" => kind == JsonValueKind.Number && JsonSerializer.SerializeToElement(value).TryGetInt64(out _),
        _ => throw new NotSupportedException($"schema type {type}"),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
