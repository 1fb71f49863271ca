using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spool.Transpiler.Tests;

/// <summary>
/// Evaluates the subset of CEL that Spool's <c>x-kubernetes-validations</c> use: <c>self</c>, field selection,
/// <c>has()</c>, literals, list literals, <c>! &amp;&amp; || == != &lt; &lt;= &gt; &gt;=</c>, <c>size()</c> and the
/// <c>filter</c>, <c>all</c> and <c>exists</c> macros. Anything else throws, so that a new rule cannot pass
/// these tests unchecked: extend the evaluator with it.
/// </summary>
public sealed class CelEvaluator
{
    private readonly List<string> tokens;
    private int position;
    private readonly Dictionary<string, object?> variables;

    private CelEvaluator(string expression, Dictionary<string, object?> variables)
    {
        tokens = Tokenize(expression);
        this.variables = variables;
    }

    /// <summary>Evaluates a rule against <paramref name="self"/>; an error (such as a missing field) counts as a violation, as in the API server.</summary>
    public static bool Holds(string rule, JsonNode? self)
    {
        var evaluator = new CelEvaluator(rule, new Dictionary<string, object?> { ["self"] = FromJson(self) });
        var result = evaluator.ParseExpression(evaluate: true);
        if (evaluator.position != evaluator.tokens.Count)
        {
            throw new FormatException($"Unexpected '{evaluator.tokens[evaluator.position]}' in CEL rule: {rule}");
        }

        return result is true;
    }

    /// <summary>Parses without evaluating, to check a rule's syntax.</summary>
    public static void Parse(string rule)
    {
        var evaluator = new CelEvaluator(rule, new Dictionary<string, object?> { ["self"] = null });
        evaluator.ParseExpression(evaluate: false);
        if (evaluator.position != evaluator.tokens.Count)
        {
            throw new FormatException($"Unexpected '{evaluator.tokens[evaluator.position]}' in CEL rule: {rule}");
        }
    }

    private object? ParseExpression(bool evaluate)
    {
        var left = ParseAnd(evaluate);
        while (Accept("||"))
        {
            var leftTrue = evaluate && Truth(left);
            var right = ParseAnd(evaluate && !leftTrue);
            if (evaluate)
            {
                left = leftTrue || Truth(right);
            }
        }

        return left;
    }

    private object? ParseAnd(bool evaluate)
    {
        var left = ParseRelation(evaluate);
        while (Accept("&&"))
        {
            var leftFalse = evaluate && !Truth(left);
            var right = ParseRelation(evaluate && !leftFalse);
            if (evaluate)
            {
                left = !leftFalse && Truth(right);
            }
        }

        return left;
    }

    private object? ParseRelation(bool evaluate)
    {
        var left = ParseUnary(evaluate);
        foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
        {
            if (Accept(op))
            {
                var right = ParseUnary(evaluate);
                return evaluate ? Compare(op, left, right) : null;
            }
        }

        return left;
    }

    private object? ParseUnary(bool evaluate)
    {
        if (Accept("!"))
        {
            var operand = ParseUnary(evaluate);
            return evaluate ? !Truth(operand) : null;
        }

        if (Accept("-"))
        {
            var operand = ParseUnary(evaluate);
            return evaluate ? operand switch
            {
                long l => -l,
                double d => -d,
                _ => throw new CelException("- needs a number"),
            } : null;
        }

        return ParsePostfix(evaluate);
    }

    private object? ParsePostfix(bool evaluate)
    {
        var value = ParsePrimary(evaluate);
        while (true)
        {
            if (Accept("."))
            {
                var name = Identifier();
                if (Accept("("))
                {
                    value = Method(value, name, evaluate);
                }
                else
                {
                    value = evaluate ? Select(value, name) : null;
                }
            }
            else if (Accept("["))
            {
                var index = ParseExpression(evaluate);
                Expect("]");
                value = evaluate ? Index(value, index) : null;
            }
            else
            {
                return value;
            }
        }
    }

    private object? ParsePrimary(bool evaluate)
    {
        var token = Next();
        if (token == "(")
        {
            var inner = ParseExpression(evaluate);
            Expect(")");
            return inner;
        }

        if (token == "[")
        {
            var list = new List<object?>();
            if (!Accept("]"))
            {
                do
                {
                    list.Add(ParseExpression(evaluate));
                }
                while (Accept(","));
                Expect("]");
            }

            return list;
        }

        if (token.StartsWith('\'') || token.StartsWith('"'))
        {
            return token[1..^1];
        }

        if (char.IsDigit(token[0]))
        {
            return token.Contains('.', StringComparison.Ordinal)
                ? (object)double.Parse(token, CultureInfo.InvariantCulture)
                : long.Parse(token, CultureInfo.InvariantCulture);
        }

        switch (token)
        {
            case "true":
                return true;
            case "false":
                return false;
            case "null":
                return null;
            case "has":
                return Has(evaluate);
            case "size":
                Expect("(");
                var argument = ParseExpression(evaluate);
                Expect(")");
                return evaluate ? Size(argument) : null;
        }

        if (!IsIdentifier(token))
        {
            throw new FormatException($"Unexpected '{token}' in CEL");
        }

        if (!evaluate)
        {
            return null;
        }

        return variables.TryGetValue(token, out var variable) ? variable : throw new CelException($"undeclared reference to '{token}'");
    }

    // has(a.b.c) tests the presence of c on a.b, which itself must exist.
    private object? Has(bool evaluate)
    {
        Expect("(");
        var root = Identifier();
        var fields = new List<string>();
        while (Accept("."))
        {
            fields.Add(Identifier());
        }

        Expect(")");
        if (fields.Count == 0)
        {
            throw new FormatException("has() needs a field selection");
        }

        if (!evaluate)
        {
            return null;
        }

        object? target = variables.TryGetValue(root, out var v) ? v : throw new CelException($"undeclared reference to '{root}'");
        foreach (var field in fields.Take(fields.Count - 1))
        {
            target = Select(target, field);
        }

        return target is Dictionary<string, object?> map
            ? map.ContainsKey(fields[^1])
            : throw new CelException("has() on a non-object");
    }

    private object? Method(object? target, string name, bool evaluate)
    {
        if (name == "size")
        {
            Expect(")");
            return evaluate ? Size(target) : null;
        }

        if (name is "filter" or "all" or "exists")
        {
            var variable = Identifier();
            Expect(",");
            var start = position;
            if (!evaluate)
            {
                ParseExpression(evaluate: false);
                Expect(")");
                return null;
            }

            var items = target as List<object?> ?? throw new CelException($"{name}() on a non-list");
            var kept = new List<object?>();
            var end = start;
            if (items.Count == 0)
            {
                ParseExpression(evaluate: false);
                end = position;
            }

            foreach (var item in items)
            {
                position = start;
                variables[variable] = item;
                if (Truth(ParseExpression(evaluate: true)))
                {
                    kept.Add(item);
                }

                end = position;
            }

            variables.Remove(variable);
            position = end;
            Expect(")");
            return name switch
            {
                "filter" => kept,
                "all" => kept.Count == items.Count,
                _ => kept.Count > 0,
            };
        }

        throw new FormatException($"CEL method {name}() is not supported here");
    }

    private static object? Select(object? target, string field) =>
        target is Dictionary<string, object?> map
            ? map.TryGetValue(field, out var value) ? value : throw new CelException($"no such key: {field}")
            : throw new CelException($"cannot select {field} from a non-object");

    private static object? Index(object? target, object? index) => target switch
    {
        List<object?> list when index is long i => i >= 0 && i < list.Count ? list[(int)i] : throw new CelException("index out of range"),
        Dictionary<string, object?> map when index is string key => map.TryGetValue(key, out var value) ? value : throw new CelException($"no such key: {key}"),
        _ => throw new CelException("bad index"),
    };

    private static long Size(object? value) => value switch
    {
        List<object?> list => list.Count,
        Dictionary<string, object?> map => map.Count,
        string text => text.EnumerateRunes().Count(),
        _ => throw new CelException("size() of a scalar"),
    };

    private static bool Compare(string op, object? left, object? right)
    {
        if (op is "==" or "!=")
        {
            var equal = left switch
            {
                long l when right is long r => l == r,
                double l when right is double r => l == r,
                string l when right is string r => l == r,
                bool l when right is bool r => l == r,
                null => right is null,
                _ when left.GetType() != right?.GetType() => throw new CelException($"no such overload: {left.GetType().Name} {op} {right?.GetType().Name}"),
                _ => Equals(left, right),
            };
            return op == "==" ? equal : !equal;
        }

        var order = left switch
        {
            long l when right is long r => l.CompareTo(r),
            double l when right is double r => l.CompareTo(r),
            string l when right is string r => string.CompareOrdinal(l, r),
            _ => throw new CelException($"no such overload: {left?.GetType().Name} {op} {right?.GetType().Name}"),
        };
        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            _ => order >= 0,
        };
    }

    private static bool Truth(object? value) => value as bool? ?? throw new CelException("expected a bool");

    private static object? FromJson(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                return obj.ToDictionary(p => p.Key, p => FromJson(p.Value));
            case JsonArray array:
                return array.Select(FromJson).ToList();
        }

        var element = JsonSerializer.SerializeToElement(node);
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => element.TryGetInt64(out var l) ? l : (object)element.GetDouble(),
            _ => null,
        };
    }

    private string Next() => position < tokens.Count ? tokens[position++] : throw new FormatException("Unexpected end of CEL rule");

    private bool Accept(string token)
    {
        if (position < tokens.Count && tokens[position] == token)
        {
            position++;
            return true;
        }

        return false;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw new FormatException($"Expected '{token}' at token {position} of the CEL rule");
        }
    }

    private string Identifier()
    {
        var token = Next();
        return IsIdentifier(token) ? token : throw new FormatException($"Expected an identifier, got '{token}'");
    }

    private static bool IsIdentifier(string token) => (char.IsLetter(token[0]) || token[0] == '_') && token.All(c => char.IsLetterOrDigit(c) || c == '_');

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    throw new FormatException("Unterminated string in CEL rule");
                }

                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else if (char.IsLetterOrDigit(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || (char.IsDigit(c) && text[i] == '.')))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
                {
                    tokens.Add(two);
                    i += 2;
                }
                else if ("()[].,!<>-".Contains(c, StringComparison.Ordinal))
                {
                    tokens.Add(c.ToString());
                    i++;
                }
                else
                {
                    throw new FormatException($"Unexpected '{c}' in CEL rule: {text}");
                }
            }
        }

        return tokens;
    }
}
