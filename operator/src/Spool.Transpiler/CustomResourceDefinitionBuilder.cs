using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Spool.Api;

namespace Spool.Transpiler;

/// <summary>Builds <c>apiextensions.k8s.io/v1</c> CustomResourceDefinitions from <see cref="KubernetesEntityAttribute"/> types.</summary>
public sealed class CustomResourceDefinitionBuilder
{
    private const string ApiVersionDescription =
        "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.";

    private const string KindDescription =
        "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.";

    private const string MetadataDescription = "Standard object metadata: name, namespace, labels, annotations and so on.";

    private static readonly string[] Envelope = ["ApiVersion", "Kind", "Metadata"];

    private readonly XmlDocumentation documentation;

    public CustomResourceDefinitionBuilder(XmlDocumentation documentation)
    {
        this.documentation = documentation;
    }

    /// <summary>The custom resource types of <paramref name="group"/> in <paramref name="assembly"/>, ordered by plural name then version.</summary>
    public static IReadOnlyList<Type> EntityTypes(Assembly assembly, string group) =>
        assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<KubernetesEntityAttribute>() is { } e && e.Group == group)
            .OrderBy(t => t.GetCustomAttribute<KubernetesEntityAttribute>()!.Plural, StringComparer.Ordinal)
            .ThenBy(t => t.GetCustomAttribute<KubernetesEntityAttribute>()!.Version, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// One CRD per plural name. With several versions of a resource the most stable, newest one is the
    /// storage version (v1 over v1beta2 over v1alpha1).
    /// </summary>
    public IReadOnlyList<JsonObject> Build(IEnumerable<Type> entityTypes) =>
        entityTypes
            .GroupBy(t => Entity(t).Plural, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Build(g.ToList()))
            .ToList();

    private JsonObject Build(IReadOnlyList<Type> versions)
    {
        var entities = versions.Select(t => (Type: t, Entity: Entity(t))).ToList();
        var first = entities[0].Entity;
        foreach (var (type, entity) in entities)
        {
            if (entity.Kind != first.Kind || entity.Group != first.Group || entity.Namespaced != first.Namespaced
                || !entity.ShortNames.SequenceEqual(first.ShortNames) || !entity.Categories.SequenceEqual(first.Categories))
            {
                throw new NotSupportedException($"The versions of {first.Plural} disagree on kind, group, scope, short names or categories ({type.FullName})");
            }
        }

        var ordered = entities.OrderByDescending(e => KubernetesVersion.Priority(e.Entity.Version)).ToList();
        var storage = ordered[0].Entity.Version;

        var names = new JsonObject
        {
            ["kind"] = first.Kind,
            ["listKind"] = first.Kind + "List",
            ["plural"] = first.Plural,
            ["singular"] = first.Kind.ToLowerInvariant(),
        };
        if (first.ShortNames.Length > 0)
        {
            names["shortNames"] = new JsonArray(first.ShortNames.Select(s => (JsonNode)s).ToArray());
        }

        if (first.Categories.Length > 0)
        {
            names["categories"] = new JsonArray(first.Categories.Select(s => (JsonNode)s).ToArray());
        }

        var versionNodes = new JsonArray();
        foreach (var (type, entity) in ordered)
        {
            versionNodes.Add(Version(type, entity, entity.Version == storage));
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{first.Plural}.{first.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = first.Group,
                ["names"] = names,
                ["scope"] = first.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = versionNodes,
            },
        };
    }

    private JsonObject Version(Type type, KubernetesEntityAttribute entity, bool storage)
    {
        var version = new JsonObject
        {
            ["name"] = entity.Version,
            ["served"] = true,
            ["storage"] = storage,
        };

        var columns = type.GetCustomAttributes<PrinterColumnAttribute>()
            .OrderBy(c => c.Order)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        if (columns.Count > 0)
        {
            var list = new JsonArray();
            foreach (var column in columns)
            {
                var node = new JsonObject
                {
                    ["name"] = column.Name,
                    ["type"] = column.Type,
                    ["jsonPath"] = column.JsonPath,
                };
                if (column.Description is not null)
                {
                    node["description"] = column.Description;
                }

                if (column.Priority != 0)
                {
                    node["priority"] = column.Priority;
                }

                list.Add(node);
            }

            version["additionalPrinterColumns"] = list;
        }

        version["schema"] = new JsonObject { ["openAPIV3Schema"] = RootSchema(type) };
        if (HasStatus(type))
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }

        return version;
    }

    private JsonObject RootSchema(Type type)
    {
        var builder = new SchemaBuilder(documentation);
        var properties = new JsonObject
        {
            ["apiVersion"] = new JsonObject { ["description"] = ApiVersionDescription, ["type"] = "string" },
            ["kind"] = new JsonObject { ["description"] = KindDescription, ["type"] = "string" },
            // The API server owns metadata's schema; a CRD may only say that it is an object.
            ["metadata"] = new JsonObject { ["description"] = MetadataDescription, ["type"] = "object" },
        };
        var required = new JsonArray();
        foreach (var property in SchemaBuilder.SerializedProperties(type).Where(p => !Envelope.Contains(p.Name)))
        {
            var name = SchemaNames.Property(property);
            properties[name] = builder.ForProperty(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var root = new JsonObject();
        if (documentation.Summary(type) is { } summary)
        {
            root["description"] = summary;
        }

        root["type"] = "object";
        root["properties"] = properties;
        if (required.Count > 0)
        {
            root["required"] = required;
        }

        foreach (var rule in type.GetCustomAttributes<ValidationRuleAttribute>().OrderBy(r => r.Rule, StringComparer.Ordinal))
        {
            if (root["x-kubernetes-validations"] is not JsonArray list)
            {
                list = [];
                root["x-kubernetes-validations"] = list;
            }

            list.Add(new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message });
        }

        return root;
    }

    private static bool HasStatus(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IHasStatus<>))
        || type.GetProperty("Status") is not null;

    private static KubernetesEntityAttribute Entity(Type type) =>
        type.GetCustomAttribute<KubernetesEntityAttribute>()
        ?? throw new ArgumentException($"{type.FullName} has no [KubernetesEntity]", nameof(type));
}
