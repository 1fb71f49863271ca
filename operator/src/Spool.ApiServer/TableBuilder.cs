using System.Globalization;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>Renders objects as a meta.k8s.io/v1 Table, the way the real server serves <c>kubectl get</c>.</summary>
public static class TableBuilder
{
    public static JsonObject Build(ResourceType type, IEnumerable<StoredObject> objects, string resourceVersion, string? continueToken, string includeObject, DateTimeOffset now)
    {
        var columns = new JsonArray
        {
            Column("Name", "string", "name", "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", 0),
        };
        var printer = type.PrinterColumns.ToList();
        if (!type.IsCustom)
        {
            printer.Add(new PrinterColumn("Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created."));
        }

        foreach (var c in printer)
        {
            columns.Add(Column(c.Name, c.Type, c.Format, c.Description, c.Priority));
        }

        var rows = new JsonArray();
        foreach (var stored in objects)
        {
            var obj = stored.ToJsonObject();
            var cells = new JsonArray { JsonValue.Create(stored.Name) };
            foreach (var c in printer)
            {
                cells.Add(Cell(c, SimpleJsonPath.Evaluate(obj, c.JsonPath), now));
            }

            var row = new JsonObject { ["cells"] = cells };
            row["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj,
                _ => new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                },
            };
            rows.Add(row);
        }

        var meta = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (!string.IsNullOrEmpty(continueToken))
        {
            meta["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = meta,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonObject Column(string name, string type, string format, string description, int priority) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = priority,
    };

    private static JsonNode? Cell(PrinterColumn column, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        switch (column.Type)
        {
            case "date":
                return DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? JsonValue.Create(HumanDuration.Format(now - t))
                    : JsonValue.Create(value.ToString());
            case "integer" or "number" or "boolean":
                return value is JsonValue ? value.DeepClone() : JsonValue.Create(value.ToJsonString());
            default:
                return value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String
                    ? JsonValue.Create(v.GetValue<string>())
                    : JsonValue.Create(value.ToJsonString(JsonDefaults.Options));
        }
    }
}
