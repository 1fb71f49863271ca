using Spool.Api;
using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>Label selector and node selector matching, as the API server defines them.</summary>
public static class Selectors
{
    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return true;
        }

        labels ??= new Dictionary<string, string>();
        if (selector.MatchLabels is not null)
        {
            foreach (var (key, value) in selector.MatchLabels)
            {
                if (!labels.TryGetValue(key, out var actual) || actual != value)
                {
                    return false;
                }
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            if (!Matches(requirement.Key, requirement.Operator, requirement.Values, labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A PV's required node affinity: any term, all of its expressions.</summary>
    public static bool Matches(NodeSelector selector, Node node)
    {
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        foreach (var term in selector.NodeSelectorTerms)
        {
            var ok = true;
            foreach (var requirement in term.MatchExpressions ?? [])
            {
                ok &= Matches(requirement.Key, requirement.Operator, requirement.Values, labels);
            }

            foreach (var requirement in term.MatchFields ?? [])
            {
                var fields = new Dictionary<string, string> { ["metadata.name"] = node.Metadata.Name ?? "" };
                ok &= Matches(requirement.Key, requirement.Operator, requirement.Values, fields);
            }

            if (ok && ((term.MatchExpressions?.Count ?? 0) + (term.MatchFields?.Count ?? 0)) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(string key, string op, IReadOnlyList<string>? values, IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(key, out var actual);
        values ??= [];
        return op switch
        {
            "In" => has && values.Contains(actual),
            "NotIn" => !has || !values.Contains(actual),
            "Exists" => has,
            "DoesNotExist" => !has,
            "Gt" => has && long.TryParse(actual, out var a) && values.Count == 1 && long.TryParse(values[0], out var b) && a > b,
            "Lt" => has && long.TryParse(actual, out var c) && values.Count == 1 && long.TryParse(values[0], out var d) && c < d,
            _ => false,
        };
    }
}
