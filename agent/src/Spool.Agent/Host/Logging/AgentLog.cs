using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Spool.Agent.Host.Logging;

/// <summary>
/// Structured JSON lines in the Kubernetes message style (klog's JSON format): a capitalised message without a
/// trailing period in <c>msg</c>, then the key/value pairs as fields.
/// </summary>
public sealed class AgentLog
{
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly KeyValuePair<string, object?>[] _context;

    public AgentLog(TextWriter writer, TimeProvider time)
        : this(writer, time, [])
    {
    }

    private AgentLog(TextWriter writer, TimeProvider time, KeyValuePair<string, object?>[] context)
    {
        _writer = writer;
        _time = time;
        _context = context;
    }

    public static AgentLog Null { get; } = new(TextWriter.Null, TimeProvider.System);

    /// <summary>A logger that adds these pairs to every line.</summary>
    public AgentLog With(params object?[] keyValues) =>
        new(_writer, _time, [.. _context, .. Pairs(keyValues)]);

    public void Info(string message, params object?[] keyValues) => Write("info", message, null, keyValues);

    public void Warning(string message, params object?[] keyValues) => Write("warning", message, null, keyValues);

    public void Error(Exception? error, string message, params object?[] keyValues) => Write("error", message, error, keyValues);

    private void Write(string level, string message, Exception? error, object?[] keyValues)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("ts", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", level);
            json.WriteString("msg", message);
            if (error is not null)
            {
                json.WriteString("err", error.Message);
                json.WriteString("errType", error.GetType().Name);
            }

            foreach (var (key, value) in _context.Concat(Pairs(keyValues)))
            {
                json.WritePropertyName(key);
                WriteValue(json, value);
            }

            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.ToArray());
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int or long or short or byte or uint or ulong:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                json.WriteStringValue(span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s");
                break;
            case DateTimeOffset time:
                json.WriteStringValue(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                break;
            case System.Collections.IEnumerable list and not string:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static IEnumerable<KeyValuePair<string, object?>> Pairs(object?[] keyValues)
    {
        for (var i = 0; i + 1 < keyValues.Length; i += 2)
        {
            yield return new KeyValuePair<string, object?>(Convert.ToString(keyValues[i], CultureInfo.InvariantCulture) ?? "key", keyValues[i + 1]);
        }

        if (keyValues.Length % 2 == 1)
        {
            yield return new KeyValuePair<string, object?>("extra", keyValues[^1]);
        }
    }
}
