using System.Text.Json.Nodes;

namespace Spool.Transpiler.Tests;

/// <summary>
/// What the API server does to a custom resource on create, in its order: structural validation, defaulting,
/// then the CEL rules of every schema node on the defaulted object.
/// </summary>
public sealed class CustomResourceValidator
{
    private readonly IReadOnlyList<JsonObject> definitions;

    public CustomResourceValidator(IReadOnlyList<JsonObject> definitions)
    {
        this.definitions = definitions;
    }

    public bool Handles(JsonObject obj) => Find(obj) is not null;

    public IReadOnlyList<SchemaError> Validate(JsonObject obj)
    {
        var schema = Find(obj) ?? throw new ArgumentException($"No CRD serves {obj["apiVersion"]} {obj["kind"]}", nameof(obj));
        var errors = StructuralSchemaValidator.Validate(obj, schema).ToList();
        if (errors.Count > 0)
        {
            return errors;
        }

        var defaulted = obj.DeepClone().AsObject();
        ApplyDefaults(defaulted, schema);
        CheckRules(defaulted, schema, "", errors);
        return errors;
    }

    /// <summary>The openAPIV3Schema for an object's apiVersion and kind.</summary>
    public JsonObject? Find(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>() ?? "";
        var kind = obj["kind"]?.GetValue<string>();
        foreach (var crd in definitions)
        {
            var spec = crd["spec"]!;
            if (spec["names"]!["kind"]!.GetValue<string>() != kind)
            {
                continue;
            }

            foreach (var version in spec["versions"]!.AsArray())
            {
                if ($"{spec["group"]!.GetValue<string>()}/{version!["name"]!.GetValue<string>()}" == apiVersion)
                {
                    return version["schema"]!["openAPIV3Schema"]!.AsObject();
                }
            }
        }

        return null;
    }

    /// <summary>Sets each absent property that has a default, inside every object present.</summary>
    public static void ApplyDefaults(JsonNode? value, JsonObject schema)
    {
        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject properties:
                foreach (var (name, childSchema) in properties)
                {
                    if (obj[name] is null && childSchema!["default"] is { } defaultValue)
                    {
                        obj[name] = defaultValue.DeepClone();
                    }

                    ApplyDefaults(obj[name], childSchema!.AsObject());
                }

                break;
            case JsonObject obj when schema["additionalProperties"] is JsonObject values:
                foreach (var (_, child) in obj.ToList())
                {
                    ApplyDefaults(child, values);
                }

                break;
            case JsonArray array when schema["items"] is JsonObject items:
                foreach (var item in array)
                {
                    ApplyDefaults(item, items);
                }

                break;
        }
    }

    private static void CheckRules(JsonNode? value, JsonObject schema, string path, List<SchemaError> errors)
    {
        if (value is null)
        {
            return;
        }

        if (schema["x-kubernetes-validations"] is JsonArray rules)
        {
            foreach (var rule in rules)
            {
                var text = rule!["rule"]!.GetValue<string>();
                bool holds;
                try
                {
                    holds = CelEvaluator.Holds(text, value);
                }
                catch (CelException)
                {
                    holds = false;
                }

                if (!holds)
                {
                    errors.Add(new SchemaError(path, $"Invalid value: \"object\": {rule["message"]!.GetValue<string>()}"));
                }
            }
        }

        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject properties:
                foreach (var (name, child) in obj)
                {
                    if (properties[name] is JsonObject childSchema)
                    {
                        CheckRules(child, childSchema, path.Length == 0 ? name : $"{path}.{name}", errors);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckRules(array[i], items, $"{path}[{i}]", errors);
                }

                break;
        }
    }
}
