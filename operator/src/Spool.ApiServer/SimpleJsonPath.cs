using System.Globalization;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>Evaluates the simple JSONPath forms used by printer columns: <c>.a.b[0].c</c>, <c>.a['b.c']</c>, <c>.a[-1]</c>, and <c>.a[?(@.type=="Ready")].status</c>.</summary>
public static class SimpleJsonPath
{
    public static JsonNode? Evaluate(JsonNode? root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1];
        }

        if (p.StartsWith('$'))
        {
            p = p[1..];
        }

        var node = root;
        var i = 0;
        while (i < p.Length && node is not null)
        {
            if (p[i] == '.')
            {
                i++;
                var start = i;
                while (i < p.Length && p[i] is not '.' and not '[')
                {
                    i++;
                }

                var name = p[start..i];
                if (name.Length > 0)
                {
                    node = node is JsonObject o ? o[name] : null;
                }
            }
            else if (p[i] == '[')
            {
                var end = FindClose(p, i);
                var inner = p[(i + 1)..end];
                i = end + 1;
                node = Index(node, inner);
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    private static int FindClose(string p, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var j = open; j < p.Length; j++)
        {
            var c = p[j];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return j;
            }
        }

        return p.Length - 1;
    }

    private static JsonNode? Index(JsonNode? node, string inner)
    {
        inner = inner.Trim();
        if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
        {
            return node is JsonObject o ? o[inner[1..^1]] : null;
        }

        if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var idx))
        {
            if (node is not JsonArray a)
            {
                return null;
            }

            if (idx < 0)
            {
                idx += a.Count;
            }

            return idx >= 0 && idx < a.Count ? a[idx] : null;
        }

        if (inner.StartsWith("?(@.", StringComparison.Ordinal) && inner.EndsWith(')') && node is JsonArray arr)
        {
            var expr = inner[4..^1];
            var eq = expr.IndexOf("==", StringComparison.Ordinal);
            if (eq < 0)
            {
                return null;
            }

            var field = expr[..eq].Trim();
            var value = expr[(eq + 2)..].Trim().Trim('"', '\'');
            return arr.OfType<JsonObject>().FirstOrDefault(e => Evaluate(e, "." + field)?.ToString() == value);
        }

        return null;
    }
}
