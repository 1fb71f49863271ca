using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spool.Api;

/// <summary>The JSON conventions of the Kubernetes API: camelCase, omitted nulls, enums by name, RFC 3339 times.</summary>
public static class KubeJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new Rfc3339TimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
