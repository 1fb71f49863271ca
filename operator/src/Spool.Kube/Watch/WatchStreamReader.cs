using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Spool.Api;

namespace Spool.Kube;

/// <summary>
/// Reads the watch stream: one JSON object per line, <c>{"type":"ADDED","object":{...}}</c>. Events are yielded as soon
/// as their line is complete; ERROR events carry the Status in <see cref="WatchEvent{T}.Status"/>.
/// </summary>
public static class WatchStreamReader
{
    public static async IAsyncEnumerable<WatchEvent<T>> ReadAsync<T>(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                yield break;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ParseLine<T>(line);
        }
    }

    public static WatchEvent<T> ParseLine<T>(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                throw new WatchStreamException($"watch event without a type: {Truncate(line)}");
            }

            var type = ParseType(typeElement.GetString()!);
            root.TryGetProperty("object", out var objectElement);
            if (type == WatchEventType.Error)
            {
                var status = objectElement.ValueKind == JsonValueKind.Object
                    ? objectElement.Deserialize<ApiStatus>(KubeJson.Options)
                    : null;
                return new WatchEvent<T>(type, default, status ?? new ApiStatus { Status = "Failure", Code = 500, Reason = "InternalError", Message = "watch ERROR event without a Status" });
            }

            if (objectElement.ValueKind != JsonValueKind.Object)
            {
                throw new WatchStreamException($"{type} watch event without an object");
            }

            return new WatchEvent<T>(type, objectElement.Deserialize<T>(KubeJson.Options));
        }
        catch (JsonException e)
        {
            throw new WatchStreamException($"watch stream holds invalid JSON: {Truncate(line)}", e);
        }
    }

    public static WatchEventType ParseType(string type) => type switch
    {
        "ADDED" => WatchEventType.Added,
        "MODIFIED" => WatchEventType.Modified,
        "DELETED" => WatchEventType.Deleted,
        "BOOKMARK" => WatchEventType.Bookmark,
        "ERROR" => WatchEventType.Error,
        _ => throw new WatchStreamException($"unknown watch event type {type}"),
    };

    public static string FormatType(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        WatchEventType.Error => "ERROR",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static string Truncate(string line) => line.Length > 200 ? line[..200] + "..." : line;
}
