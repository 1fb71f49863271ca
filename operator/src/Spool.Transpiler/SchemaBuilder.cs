using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spool.Api;

namespace Spool.Transpiler;

/// <summary>
/// Turns a C# type into a structural OpenAPI v3 schema, as <c>apiextensions.k8s.io/v1</c> requires: every node
/// has a type, there are no references, and free-form objects say so with
/// <c>x-kubernetes-preserve-unknown-fields</c>.
/// </summary>
/// <remarks>
/// Only <see cref="RequiredAttribute"/> makes a field required. A non-nullable C# value type is not required,
/// because the serialiser always writes it and users leave such fields out. Nullable C# types do not become
/// <c>nullable: true</c>: without it the API server prunes an explicit null before defaulting, so
/// <c>field: null</c> means the same as leaving the field out.
/// </remarks>
public sealed class SchemaBuilder
{
    private readonly XmlDocumentation documentation;
    private readonly Stack<Type> path = new();

    public SchemaBuilder(XmlDocumentation documentation)
    {
        this.documentation = documentation;
    }

    /// <summary>The object schema of <paramref name="type"/>, with <paramref name="description"/> or the type's own summary.</summary>
    public JsonObject ForType(Type type, string? description = null) => Build(type, description ?? DescriptionOf(type), null);

    /// <summary>The schema of one property, with its constraints, default and description.</summary>
    public JsonObject ForProperty(PropertyInfo property)
    {
        var type = property.PropertyType;
        var description = documentation.Summary(property) ?? DescriptionOf(ElementType(type));
        return Build(type, description, property);
    }

    /// <summary>The public instance properties that the serialiser writes, in declaration order.</summary>
    public static IReadOnlyList<PropertyInfo> SerializedProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .OrderBy(p => Depth(p.DeclaringType!))
            .ThenBy(p => p.MetadataToken)
            .ToList();

    private JsonObject Build(Type type, string? description, PropertyInfo? property)
    {
        var schema = new JsonObject();
        if (description is not null)
        {
            schema["description"] = description;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        AddTypeAndShape(schema, underlying);

        if (property is not null)
        {
            AddConstraints(schema, underlying, property);
            if (property.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null)
            {
                schema["x-kubernetes-preserve-unknown-fields"] = true;
            }

            AddValidationRules(schema, property.GetCustomAttributes<ValidationRuleAttribute>());
        }

        return schema;
    }

    private void AddTypeAndShape(JsonObject schema, Type type)
    {
        switch (Classify(type))
        {
            case Kind.String:
                schema["type"] = "string";
                break;
            case Kind.Boolean:
                schema["type"] = "boolean";
                break;
            case Kind.Int32:
                schema["type"] = "integer";
                schema["format"] = "int32";
                break;
            case Kind.Int64:
                schema["type"] = "integer";
                schema["format"] = "int64";
                break;
            case Kind.Float:
                schema["type"] = "number";
                schema["format"] = "float";
                break;
            case Kind.Double:
                schema["type"] = "number";
                schema["format"] = "double";
                break;
            case Kind.Decimal:
                schema["type"] = "number";
                break;
            case Kind.DateTime:
                schema["type"] = "string";
                schema["format"] = "date-time";
                break;
            case Kind.Uuid:
                schema["type"] = "string";
                schema["format"] = "uuid";
                break;
            case Kind.Enum:
                schema["type"] = "string";
                schema["enum"] = new JsonArray(EnumNames(type).Select(n => (JsonNode)n).ToArray());
                AppendEnumMemberDocs(schema, type);
                break;
            case Kind.AnyObject:
                schema["type"] = "object";
                schema["x-kubernetes-preserve-unknown-fields"] = true;
                break;
            case Kind.AnyArray:
                schema["type"] = "array";
                schema["items"] = new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
                break;
            case Kind.AnyValue:
                schema["x-kubernetes-preserve-unknown-fields"] = true;
                break;
            case Kind.Map:
                schema["type"] = "object";
                schema["additionalProperties"] = Nested(MapValueType(type));
                break;
            case Kind.Array:
                var element = ElementType(type);
                schema["type"] = "array";
                schema["items"] = Nested(element);
                if (element == typeof(Condition))
                {
                    // Conditions are keyed by type, so that server-side apply merges them per condition.
                    schema["x-kubernetes-list-type"] = "map";
                    schema["x-kubernetes-list-map-keys"] = new JsonArray("type");
                }

                break;
            case Kind.Object:
                AddObject(schema, type);
                break;
            default:
                throw new NotSupportedException($"No schema mapping for {type}");
        }
    }

    private JsonObject Nested(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var schema = new JsonObject();
        AddTypeAndShape(schema, underlying);
        return schema;
    }

    private void AddObject(JsonObject schema, Type type)
    {
        if (path.Contains(type))
        {
            throw new NotSupportedException(
                $"{type.Name} refers to itself through {string.Join(" -> ", path.Reverse().Select(t => t.Name))}; structural schemas cannot express recursion");
        }

        path.Push(type);
        try
        {
            schema["type"] = "object";
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var p in SerializedProperties(type))
            {
                var name = SchemaNames.Property(p);
                properties[name] = ForProperty(p);
                if (p.GetCustomAttribute<RequiredAttribute>() is not null)
                {
                    required.Add(name);
                }
            }

            if (properties.Count > 0)
            {
                schema["properties"] = properties;
            }

            if (required.Count > 0)
            {
                schema["required"] = required;
            }

            AddValidationRules(schema, type.GetCustomAttributes<ValidationRuleAttribute>());
        }
        finally
        {
            path.Pop();
        }
    }

    private static void AddValidationRules(JsonObject schema, IEnumerable<ValidationRuleAttribute> rules)
    {
        foreach (var rule in rules.OrderBy(r => r.Rule, StringComparer.Ordinal))
        {
            if (schema["x-kubernetes-validations"] is not JsonArray list)
            {
                list = [];
                schema["x-kubernetes-validations"] = list;
            }

            list.Add(new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message });
        }
    }

    private static void AddConstraints(JsonObject schema, Type type, PropertyInfo property)
    {
        var kind = Classify(type);
        var isString = kind is Kind.String or Kind.Enum or Kind.DateTime or Kind.Uuid;
        var isArray = kind is Kind.Array or Kind.AnyArray;

        if (property.GetCustomAttribute<DefaultValueAttribute>() is { } defaultValue)
        {
            schema["default"] = DefaultNode(defaultValue.Value, type, property);
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            if (kind is not (Kind.Int32 or Kind.Int64 or Kind.Float or Kind.Double or Kind.Decimal))
            {
                throw new NotSupportedException($"[Range] on non-numeric {property.DeclaringType!.Name}.{property.Name}");
            }

            AddBound(schema, "minimum", range.Minimum, type, isMaximum: false);
            if (range.MinimumIsExclusive && schema.ContainsKey("minimum"))
            {
                schema["exclusiveMinimum"] = true;
            }

            AddBound(schema, "maximum", range.Maximum, type, isMaximum: true);
            if (range.MaximumIsExclusive && schema.ContainsKey("maximum"))
            {
                schema["exclusiveMaximum"] = true;
            }
        }

        foreach (var min in property.GetCustomAttributes<MinLengthAttribute>())
        {
            schema[isArray ? "minItems" : "minLength"] = min.Length;
        }

        foreach (var max in property.GetCustomAttributes<MaxLengthAttribute>())
        {
            schema[isArray ? "maxItems" : "maxLength"] = max.Length;
        }

        if (property.GetCustomAttribute<StringLengthAttribute>() is { } length)
        {
            if (length.MinimumLength > 0)
            {
                schema["minLength"] = length.MinimumLength;
            }

            schema["maxLength"] = length.MaximumLength;
        }

        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            if (!isString)
            {
                throw new NotSupportedException($"[RegularExpression] on non-string {property.DeclaringType!.Name}.{property.Name}");
            }

            schema["pattern"] = pattern.Pattern;
        }

        if ((schema.ContainsKey("minLength") || schema.ContainsKey("maxLength")) && !isString)
        {
            throw new NotSupportedException($"A length limit on {property.DeclaringType!.Name}.{property.Name} needs a string or a list");
        }
    }

    private static void AddBound(JsonObject schema, string key, object bound, Type type, bool isMaximum)
    {
        var value = Convert.ToDouble(bound, CultureInfo.InvariantCulture);
        switch (Classify(type))
        {
            case Kind.Int32:
                if (isMaximum ? value >= int.MaxValue : value <= int.MinValue)
                {
                    return;
                }

                schema[key] = (long)value;
                break;
            case Kind.Int64:
                // long.MaxValue as a double rounds up past the range; a bound at the type's own limit says nothing.
                if (isMaximum ? value >= long.MaxValue : value <= long.MinValue)
                {
                    return;
                }

                schema[key] = (long)value;
                break;
            default:
                schema[key] = value;
                break;
        }
    }

    private static JsonNode? DefaultNode(object? value, Type type, PropertyInfo property)
    {
        var where = $"{property.DeclaringType!.Name}.{property.Name}";
        switch (Classify(type))
        {
            case Kind.Enum:
                if (value is null || !Enum.IsDefined(type, value))
                {
                    throw new NotSupportedException($"[DefaultValue] of {where} is not a {type.Name}");
                }

                return EnumName(type, value);
            case Kind.Int32 or Kind.Int64:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case Kind.Float or Kind.Double or Kind.Decimal:
                return Convert.ToDouble(value, CultureInfo.InvariantCulture);
            case Kind.Boolean:
                return value is bool b ? b : throw new NotSupportedException($"[DefaultValue] of {where} is not a bool");
            case Kind.String:
                return value as string ?? throw new NotSupportedException($"[DefaultValue] of {where} is not a string");
            default:
                return JsonSerializer.SerializeToNode(value, KubeJson.Options);
        }
    }

    private void AppendEnumMemberDocs(JsonObject schema, Type enumType)
    {
        var documented = enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .OrderBy(f => f.MetadataToken)
            .Select(f => (Name: SchemaNames.EnumMember(f), Doc: documentation.Summary(f)))
            .Where(x => x.Doc is not null)
            .Select(x => $"{x.Name}: {x.Doc!.TrimEnd('.')}.")
            .ToList();
        if (documented.Count == 0)
        {
            return;
        }

        var text = string.Join(" ", documented);
        var existing = schema["description"]?.GetValue<string>();
        schema["description"] = existing is null ? text : $"{existing} {text}";
    }

    private string? DescriptionOf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return documentation.Summary(underlying);
    }

    private static IEnumerable<string> EnumNames(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .OrderBy(f => f.MetadataToken)
            .Select(SchemaNames.EnumMember);

    private static string EnumName(Type type, object value)
    {
        var name = Enum.GetName(type, value)!;
        return SchemaNames.EnumMember(type.GetField(name)!);
    }

    /// <summary>For lists, the element type; for maps, the value type; otherwise the type itself.</summary>
    public static Type ElementType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return Classify(underlying) switch
        {
            Kind.Array => underlying.IsArray
                ? underlying.GetElementType()!
                : EnumerableInterface(underlying)!.GetGenericArguments()[0],
            Kind.Map => MapValueType(underlying),
            _ => underlying,
        };
    }

    private static Type MapValueType(Type type) => DictionaryInterface(type)!.GetGenericArguments()[1];

    private static Kind Classify(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return Kind.String;
        }

        if (type.IsEnum)
        {
            return Kind.Enum;
        }

        if (type == typeof(bool))
        {
            return Kind.Boolean;
        }

        if (type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort))
        {
            return Kind.Int32;
        }

        if (type == typeof(long) || type == typeof(uint))
        {
            return Kind.Int64;
        }

        if (type == typeof(float))
        {
            return Kind.Float;
        }

        if (type == typeof(double))
        {
            return Kind.Double;
        }

        if (type == typeof(decimal))
        {
            return Kind.Decimal;
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return Kind.DateTime;
        }

        if (type == typeof(Guid))
        {
            return Kind.Uuid;
        }

        if (type == typeof(JsonObject))
        {
            return Kind.AnyObject;
        }

        if (type == typeof(JsonArray))
        {
            return Kind.AnyArray;
        }

        if (type == typeof(JsonNode) || type == typeof(JsonElement) || type == typeof(JsonDocument) || type == typeof(object))
        {
            return Kind.AnyValue;
        }

        if (DictionaryInterface(type) is { } dictionary)
        {
            return dictionary.GetGenericArguments()[0] == typeof(string)
                ? Kind.Map
                : throw new NotSupportedException($"Map keys must be strings: {type}");
        }

        if (type.IsArray || EnumerableInterface(type) is not null)
        {
            return Kind.Array;
        }

        if (type.IsPrimitive || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly) || typeof(IEnumerable).IsAssignableFrom(type))
        {
            return Kind.Unsupported;
        }

        return type.IsClass || (type.IsValueType && !type.IsPrimitive) ? Kind.Object : Kind.Unsupported;
    }

    private static Type? DictionaryInterface(Type type) =>
        new[] { type }.Concat(type.GetInterfaces())
            .FirstOrDefault(i => i.IsGenericType
                && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));

    private static Type? EnumerableInterface(Type type) =>
        new[] { type }.Concat(type.GetInterfaces())
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    private enum Kind
    {
        Unsupported,
        String,
        Boolean,
        Int32,
        Int64,
        Float,
        Double,
        Decimal,
        DateTime,
        Uuid,
        Enum,
        AnyObject,
        AnyArray,
        AnyValue,
        Map,
        Array,
        Object,
    }
}
