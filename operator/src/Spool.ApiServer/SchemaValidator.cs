using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spool.ApiServer;

/// <summary>
/// Structural-schema processing for custom resources in the real server's order: prune unknown fields, apply
/// defaults, then validate. Error text follows apiextensions-apiserver. CEL rules (x-kubernetes-validations)
/// are not evaluated.
/// </summary>
public static class SchemaValidator
{
    public sealed record Result(IReadOnlyList<FieldError> Errors, IReadOnlyList<string> PrunedFields);

    public static Result Process(JsonObject obj, JsonObject schema)
    {
        var pruned = new List<string>();
        var errors = new List<FieldError>();
        var props = schema["properties"] as JsonObject;
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (props is null || !props.ContainsKey(key))
            {
                if (!PreservesUnknown(schema))
                {
                    obj.Remove(key);
                    pruned.Add(key);
                }
            }
        }

        ApplyDefaults(obj, schema, skipMetadata: true);
        foreach (var (key, child) in obj.ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (props?[key] is JsonObject childSchema)
            {
                Walk(obj, key, child, childSchema, key, errors, pruned);
            }
        }

        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                var name = r?.ToString();
                if (name is not null && name is not ("apiVersion" or "kind" or "metadata") && !obj.ContainsKey(name))
                {
                    errors.Add(new FieldError("FieldValueRequired", name, "Required value"));
                }
            }
        }

        return new Result(errors, pruned);
    }

    private static bool PreservesUnknown(JsonObject schema) =>
        schema["x-kubernetes-preserve-unknown-fields"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static void ApplyDefaults(JsonObject obj, JsonObject schema, bool skipMetadata)
    {
        if (schema["properties"] is not JsonObject props)
        {
            return;
        }

        foreach (var (name, propSchema) in props)
        {
            if (skipMetadata && name is "metadata" or "apiVersion" or "kind")
            {
                continue;
            }

            if (propSchema is JsonObject ps && ps.TryGetPropertyValue("default", out var def))
            {
                var present = obj.TryGetPropertyValue(name, out var current);
                if (!present || (current is null && !IsTrue(ps, "nullable")))
                {
                    obj[name] = def?.DeepClone();
                }
            }
        }
    }

    private static bool IsTrue(JsonObject schema, string key) => schema[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static void Walk(JsonNode? parent, string key, JsonNode? value, JsonObject schema, string path, List<FieldError> errors, List<string> pruned)
    {
        if (value is null)
        {
            if (!IsTrue(schema, "nullable"))
            {
                var type = schema["type"]?.ToString();
                if (type is not null)
                {
                    errors.Add(new FieldError("FieldValueTypeInvalid", path, $"Invalid value: \"null\": {path} in body must be of type {type}: \"null\""));
                }
            }

            return;
        }

        var intOrString = IsTrue(schema, "x-kubernetes-int-or-string");
        var declared = schema["type"]?.ToString();
        var actual = TypeOf(value);
        if (intOrString)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(new FieldError("FieldValueTypeInvalid", path, $"Invalid value: {Render(value)}: {path} in body must be of type integer,string: {Quote(actual)}"));
                return;
            }
        }
        else if (declared is not null && !(declared == actual || (declared == "number" && actual == "integer")))
        {
            errors.Add(new FieldError("FieldValueTypeInvalid", path, $"Invalid value: {Quote(actual)}: {path} in body must be of type {declared}: {Quote(actual)}"));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            var supported = string.Join(", ", allowed.Select(Render));
            errors.Add(new FieldError("FieldValueNotSupported", path, $"Unsupported value: {Render(value)}: supported values: {supported}"));
        }

        switch (value)
        {
            case JsonObject obj:
                WalkObject(obj, schema, path, errors, pruned);
                break;
            case JsonArray arr:
                WalkArray(arr, schema, path, errors, pruned);
                break;
            case JsonValue v:
                CheckScalar(v, actual, schema, path, errors);
                break;
        }

        _ = parent;
        _ = key;
    }

    private static void WalkObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors, List<string> pruned)
    {
        var props = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var embedded = IsTrue(schema, "x-kubernetes-embedded-resource");
        if (!PreservesUnknown(schema) && additional is not JsonObject && !(additional is JsonValue av && av.TryGetValue<bool>(out var ab) && ab))
        {
            foreach (var k in obj.Select(p => p.Key).ToList())
            {
                if (embedded && k is "apiVersion" or "kind" or "metadata")
                {
                    continue;
                }

                if (props is null || !props.ContainsKey(k))
                {
                    obj.Remove(k);
                    pruned.Add(Child(path, k));
                }
            }
        }

        ApplyDefaults(obj, schema, skipMetadata: false);
        foreach (var (k, child) in obj.ToList())
        {
            if (props?[k] is JsonObject childSchema)
            {
                Walk(obj, k, child, childSchema, Child(path, k), errors, pruned);
            }
            else if (additional is JsonObject additionalSchema)
            {
                Walk(obj, k, child, additionalSchema, path + "[" + k + "]", errors, pruned);
            }
        }

        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                var name = r?.ToString();
                if (name is not null && !obj.ContainsKey(name))
                {
                    errors.Add(new FieldError("FieldValueRequired", Child(path, name), "Required value"));
                }
            }
        }

        if (Number(schema, "minProperties") is { } minP && obj.Count < minP)
        {
            errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {obj.Count}: {path} in body should have at least {minP} properties"));
        }

        if (Number(schema, "maxProperties") is { } maxP && obj.Count > maxP)
        {
            errors.Add(new FieldError("FieldValueTooMany", path, $"Too many: {obj.Count}: must have at most {maxP} items"));
        }
    }

    private static void WalkArray(JsonArray arr, JsonObject schema, string path, List<FieldError> errors, List<string> pruned)
    {
        if (Number(schema, "minItems") is { } min && arr.Count < min)
        {
            errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {arr.Count}: {path} in body should have at least {min} items"));
        }

        if (Number(schema, "maxItems") is { } max && arr.Count > max)
        {
            errors.Add(new FieldError("FieldValueTooMany", path, $"Too many: {arr.Count}: must have at most {max} items"));
        }

        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < arr.Count; i++)
            {
                if (arr[i] is JsonObject itemObj)
                {
                    ApplyDefaults(itemObj, itemSchema, skipMetadata: false);
                }

                Walk(arr, i.ToString(CultureInfo.InvariantCulture), arr[i], itemSchema, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", errors, pruned);
            }
        }

        if (schema["x-kubernetes-list-type"]?.ToString() == "set")
        {
            for (var i = 0; i < arr.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (JsonNode.DeepEquals(arr[i], arr[j]))
                    {
                        errors.Add(new FieldError("FieldValueDuplicate", path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", $"Duplicate value: {Render(arr[i])}"));
                    }
                }
            }
        }
    }

    private static void CheckScalar(JsonValue value, string actual, JsonObject schema, string path, List<FieldError> errors)
    {
        if (actual is "integer" or "number")
        {
            var d = value.GetValue<double>();
            var rendered = Render(value);
            if (Number(schema, "minimum") is { } min)
            {
                if (IsTrue(schema, "exclusiveMinimum") ? d <= min : d < min)
                {
                    var op = IsTrue(schema, "exclusiveMinimum") ? "greater than" : "greater than or equal to";
                    errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {rendered}: {path} in body should be {op} {Fmt(min)}"));
                }
            }

            if (Number(schema, "maximum") is { } max)
            {
                if (IsTrue(schema, "exclusiveMaximum") ? d >= max : d > max)
                {
                    var op = IsTrue(schema, "exclusiveMaximum") ? "less than" : "less than or equal to";
                    errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {rendered}: {path} in body should be {op} {Fmt(max)}"));
                }
            }

            if (Number(schema, "multipleOf") is { } mult && mult != 0 && Math.Abs(Math.IEEERemainder(d, mult)) > 1e-9)
            {
                errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {rendered}: {path} in body should be a multiple of {Fmt(mult)}"));
            }

            var format = schema["format"]?.ToString();
            if (format == "int32" && (d < int.MinValue || d > int.MaxValue))
            {
                errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {rendered}: {path} in body must be of type int32: {Quote(rendered)}"));
            }
        }
        else if (actual == "string")
        {
            var s = value.GetValue<string>();
            var length = s.EnumerateRunes().Count();
            if (Number(schema, "minLength") is { } minL && length < minL)
            {
                errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {Render(value)}: {path} in body should be at least {Fmt(minL)} chars long"));
            }

            if (Number(schema, "maxLength") is { } maxL && length > maxL)
            {
                errors.Add(new FieldError("FieldValueTooLong", path, $"Too long: may not be more than {Fmt(maxL)} bytes"));
            }

            if (schema["pattern"]?.ToString() is { } pattern)
            {
                bool matches;
                try
                {
                    matches = Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException)
                {
                    matches = true;
                }
                catch (RegexMatchTimeoutException)
                {
                    matches = false;
                }

                if (!matches)
                {
                    errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {Render(value)}: {path} in body should match '{pattern}'"));
                }
            }

            var format = schema["format"]?.ToString();
            if (format is not null && !FormatValid(format, s))
            {
                errors.Add(new FieldError("FieldValueInvalid", path, $"Invalid value: {Render(value)}: {path} in body must be of type {format}: {Render(value)}"));
            }
        }
    }

    private static bool FormatValid(string format, string s) => format switch
    {
        "date-time" or "datetime" => DateTimeOffset.TryParseExact(s, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date" => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "byte" => IsBase64(s),
        "uuid" => Guid.TryParseExact(s, "D", out _),
        "int32" => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        "int64" => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        _ => true,
    };

    private static bool IsBase64(string s)
    {
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out _);
    }

    private static double? Number(JsonObject schema, string key) =>
        schema[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) ? d : null;

    private static string Fmt(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string s) => JsonSerializer.Serialize(s, JsonDefaults.Options);

    public static string TypeOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsIntegral(v) ? "integer" : "number",
            _ => "null",
        },
        _ => "unknown",
    };

    private static bool IsIntegral(JsonValue v)
    {
        if (v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _))
        {
            return true;
        }

        var text = v.ToJsonString();
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>Renders a value the way field.Error does: strings quoted, numbers and booleans bare.</summary>
    public static string Render(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        _ => node.ToJsonString(JsonDefaults.Options),
    };
}
