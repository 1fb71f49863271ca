using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spool.Transpiler;

/// <summary>
/// Writes a JSON tree as block-style YAML: keys in insertion order, block sequences at their key's indent
/// (as kubectl and controller-gen write them), plain scalars where YAML 1.1 and 1.2 readers agree on them
/// and double quotes otherwise. The same tree always gives the same bytes.
/// </summary>
public static partial class YamlWriter
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Write(JsonNode node, string? headerComment = null)
    {
        var builder = new StringBuilder();
        if (headerComment is not null)
        {
            foreach (var line in headerComment.Split('\n'))
            {
                builder.Append(line.Length == 0 ? "#" : "# " + line).Append('\n');
            }
        }

        switch (node)
        {
            case JsonObject obj:
                WriteObject(builder, obj, 0);
                break;
            case JsonArray array:
                WriteArray(builder, array, 0);
                break;
            default:
                builder.Append(Scalar(node)).Append('\n');
                break;
        }

        return builder.ToString();
    }

    private static void WriteObject(StringBuilder builder, JsonObject obj, int indent, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in obj)
        {
            if (!(first && firstInline))
            {
                builder.Append(' ', indent);
            }

            first = false;
            builder.Append(Key(key)).Append(':');
            WriteValue(builder, value, indent, inSequence: false);
        }
    }

    private static void WriteArray(StringBuilder builder, JsonArray array, int indent)
    {
        foreach (var item in array)
        {
            builder.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject obj when obj.Count > 0:
                    builder.Append(' ');
                    WriteObject(builder, obj, indent + 2, firstInline: true);
                    break;
                case JsonArray nested when nested.Count > 0:
                    builder.Append('\n');
                    WriteArray(builder, nested, indent + 2);
                    break;
                default:
                    WriteValue(builder, item, indent, inSequence: true);
                    break;
            }
        }
    }

    private static void WriteValue(StringBuilder builder, JsonNode? value, int indent, bool inSequence)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                builder.Append(" {}\n");
                break;
            case JsonArray { Count: 0 }:
                builder.Append(" []\n");
                break;
            case JsonObject obj:
                builder.Append('\n');
                WriteObject(builder, obj, indent + 2);
                break;
            case JsonArray array:
                builder.Append('\n');
                WriteArray(builder, array, inSequence ? indent + 2 : indent);
                break;
            default:
                builder.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static string Key(string key) => IsPlainSafe(key) ? key : Quote(key);

    private static string Scalar(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var element = JsonSerializer.SerializeToElement(node);
        return element.ValueKind switch
        {
            JsonValueKind.String => IsPlainSafe(element.GetString()!) ? element.GetString()! : Quote(element.GetString()!),
            JsonValueKind.Number => element.TryGetInt64(out var integer)
                ? integer.ToString(CultureInfo.InvariantCulture)
                : element.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            _ => throw new NotSupportedException($"Unexpected scalar {element.ValueKind}"),
        };
    }

    /// <summary>
    /// Conservative: only text that no YAML reader can take for anything but this string is written plain.
    /// Anything that starts like a number, a date or an indicator, or holds ": " or " #", is quoted.
    /// </summary>
    private static bool IsPlainSafe(string text) =>
        text.Length > 0
        && !Reserved.Contains(text)
        && PlainSafe().IsMatch(text)
        && !text.Contains(": ", StringComparison.Ordinal)
        && !text.Contains(" #", StringComparison.Ordinal)
        && !text.EndsWith(':')
        && !text.EndsWith(' ');

    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    // \z, not $: $ also matches before a trailing newline, which a plain scalar would lose. Starts with a letter or one of '/', '_', '$', '('; no YAML flow or comment indicators anywhere.
    [GeneratedRegex(@"^[A-Za-z_/$(][A-Za-z0-9 _./$()=<>+*&;,%'`^~-]*\z")]
    private static partial Regex PlainSafe();
}
