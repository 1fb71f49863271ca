using System.Collections.Immutable;

namespace Spool.ApiServer;

/// <summary>A parsed label selector (=, ==, !=, in, notin, exists, !exists, gt, lt).</summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => this.requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEverything => requirements.Count == 0;

    public bool Matches(ImmutableDictionary<string, string> labels)
    {
        foreach (var r in requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var list = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            var term = part.Trim();
            if (term.Length == 0)
            {
                throw Bad(text, "empty requirement");
            }

            list.Add(ParseRequirement(term, text));
        }

        return new LabelSelector(list);
    }

    private static ApiException Bad(string text, string why) =>
        StatusFactory.BadRequest($"unable to parse requirement: {why} in label selector \"{text}\"");

    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static Requirement ParseRequirement(string term, string whole)
    {
        if (term.StartsWith('!'))
        {
            return new Requirement(ValidKey(term[1..].Trim(), whole), Operator.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals), (">", Operator.GreaterThan), ("<", Operator.LessThan) })
        {
            var idx = term.IndexOf(token, StringComparison.Ordinal);
            if (idx > 0)
            {
                var key = ValidKey(term[..idx].Trim(), whole);
                var value = term[(idx + token.Length)..].Trim();
                if (value.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '!'))
                {
                    throw Bad(whole, $"invalid label value: \"{value}\"");
                }

                return new Requirement(key, op, [value]);
            }
        }

        var space = term.IndexOfAny([' ', '\t']);
        if (space > 0)
        {
            var key = ValidKey(term[..space].Trim(), whole);
            var rest = term[space..].Trim();
            Operator? setOp = rest.StartsWith("notin", StringComparison.Ordinal) ? Operator.NotIn
                : rest.StartsWith("in", StringComparison.Ordinal) ? Operator.In : null;
            if (setOp is null)
            {
                throw Bad(whole, $"unknown operator in \"{term}\"");
            }

            rest = rest[(setOp == Operator.NotIn ? 5 : 2)..].Trim();
            if (!rest.StartsWith('(') || !rest.EndsWith(')'))
            {
                throw Bad(whole, "found '" + rest + "', expected: '('");
            }

            var values = rest[1..^1].Split(',').Select(v => v.Trim()).ToArray();
            return new Requirement(key, setOp.Value, values);
        }

        return new Requirement(ValidKey(term, whole), Operator.Exists, []);
    }

    private static string ValidKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw Bad(whole, $"invalid label key \"{key}\"");
        }

        return key;
    }

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Operator Op, string[] Values)
    {
        public bool Matches(ImmutableDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Op switch
            {
                Operator.Equals => has && value == Values[0],
                Operator.NotEquals => !has || value != Values[0],
                Operator.In => has && Values.Contains(value),
                Operator.NotIn => !has || !Values.Contains(value),
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.GreaterThan => has && long.TryParse(value, out var a) && long.TryParse(Values[0], out var b) && a > b,
                Operator.LessThan => has && long.TryParse(value, out var c) && long.TryParse(Values[0], out var d) && c < d,
                _ => false,
            };
        }
    }
}
