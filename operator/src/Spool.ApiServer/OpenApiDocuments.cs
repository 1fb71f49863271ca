using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// OpenAPI v3 discovery (/openapi/v3 and one document per group-version). Operations carry
/// x-kubernetes-group-version-kind and the fieldValidation parameter so kubectl uses server-side validation;
/// custom resources publish their openAPIV3Schema so <c>kubectl explain</c> works. Built-in schemas are open objects.
/// </summary>
public static class OpenApiDocuments
{
    public static JsonObject Root(IReadOnlyList<ResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var gv in types.GroupBy(t => t.ApiVersion).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var key = GroupVersionPath(gv.First());
            var hash = Hash(GroupVersion(gv.ToList()));
            paths[key] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + key + "?hash=" + hash };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static string GroupVersionPath(ResourceType t) => t.Group.Length == 0 ? "api/" + t.Version : "apis/" + t.Group + "/" + t.Version;

    private static string Hash(JsonObject doc) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(doc.ToJsonString()))).ToUpperInvariant()[..32];

    public static JsonObject? ForPath(string gvPath, IReadOnlyList<ResourceType> types)
    {
        var matching = types.Where(t => GroupVersionPath(t) == gvPath).ToList();
        return matching.Count == 0 ? null : GroupVersion(matching);
    }

    private static string SchemaName(ResourceType t)
    {
        var reversed = t.Group.Length == 0 ? "io.k8s.api.core" : string.Join('.', t.Group.Split('.').Reverse());
        return reversed + "." + t.Version + "." + t.Kind;
    }

    private static JsonObject GroupVersion(IReadOnlyList<ResourceType> types)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var t in types)
        {
            var schemaName = SchemaName(t);
            var gvk = new JsonObject { ["group"] = t.Group, ["kind"] = t.Kind, ["version"] = t.Version };
            var schema = t.Schema?.DeepClone().AsObject() ?? new JsonObject
            {
                ["type"] = "object",
                ["description"] = t.Kind + " is served by the embedded Spool API server, which stores built-in kinds without a typed schema.",
                ["x-kubernetes-preserve-unknown-fields"] = true,
            };
            var props = schema["properties"] as JsonObject ?? new JsonObject();
            props["apiVersion"] ??= new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
            props["kind"] ??= new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
            props["metadata"] = new JsonObject { ["type"] = "object", ["description"] = "Standard object's metadata.", ["x-kubernetes-preserve-unknown-fields"] = true };
            schema["properties"] = props;
            schema["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
            schemas[schemaName] = schema;
            var listName = schemaName + "List";
            schemas[listName] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("items"),
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = new JsonObject { ["type"] = "string" },
                    ["kind"] = new JsonObject { ["type"] = "string" },
                    ["metadata"] = new JsonObject { ["type"] = "object" },
                    ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName } },
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = t.Group, ["kind"] = t.Kind + "List", ["version"] = t.Version }),
            };

            var prefix = "/" + GroupVersionPath(t) + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural;
            var reference = new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName };
            paths[prefix] = new JsonObject
            {
                ["get"] = Operation("list", gvk, listName, false),
                ["post"] = Operation("post", gvk, schemaName, true),
                ["delete"] = Operation("deletecollection", gvk, schemaName, false),
                ["parameters"] = PathParameters(t.Namespaced, false),
            };
            paths[prefix + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("get", gvk, schemaName, false),
                ["put"] = Operation("put", gvk, schemaName, true),
                ["patch"] = Operation("patch", gvk, schemaName, true),
                ["delete"] = Operation("delete", gvk, schemaName, false),
                ["parameters"] = PathParameters(t.Namespaced, true),
            };
            if (t.HasStatus)
            {
                paths[prefix + "/{name}/status"] = new JsonObject
                {
                    ["get"] = Operation("get", gvk, schemaName, false),
                    ["put"] = Operation("put", gvk, schemaName, true),
                    ["patch"] = Operation("patch", gvk, schemaName, true),
                    ["parameters"] = PathParameters(t.Namespaced, true),
                };
            }

            _ = reference;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.35.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonArray PathParameters(bool namespaced, bool named)
    {
        var list = new JsonArray();
        if (named)
        {
            list.Add(new JsonObject { ["name"] = "name", ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        if (namespaced)
        {
            list.Add(new JsonObject { ["name"] = "namespace", ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        return list;
    }

    private static JsonObject Operation(string action, JsonObject gvk, string schemaName, bool writes)
    {
        var parameters = new JsonArray();
        if (writes)
        {
            foreach (var name in new[] { "dryRun", "fieldManager", "fieldValidation" })
            {
                parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } });
            }

            if (action == "patch")
            {
                parameters.Add(new JsonObject { ["name"] = "force", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "boolean", ["uniqueItems"] = true } });
            }
        }

        return new JsonObject
        {
            ["operationId"] = action + gvk["kind"],
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName } } },
                },
            },
            ["parameters"] = parameters,
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
    }
}
