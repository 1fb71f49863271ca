using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>RFC 7386 JSON merge patch.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObj)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? t : new JsonObject();
        foreach (var (key, value) in patchObj)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var existing = result[key];
                result.Remove(key);
                result[key] = Apply(existing, value);
            }
        }

        return result;
    }
}
