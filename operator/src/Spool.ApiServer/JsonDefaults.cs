using System.Text.Encodings.Web;
using System.Text.Json;

namespace Spool.ApiServer;

/// <summary>Serializer settings matching what Go's encoding/json emits closely enough for clients.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };
}
