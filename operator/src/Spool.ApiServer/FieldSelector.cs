namespace Spool.ApiServer;

/// <summary>A parsed field selector (=, ==, !=) restricted to the fields a resource declares selectable.</summary>
public sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> terms;

    private FieldSelector(IReadOnlyList<(string, bool, string)> terms) => this.terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The metadata.name value when the selector pins one name (used by kubectl wait and get -w on one object).</summary>
    public string? ExactName => terms.Where(t => t.Field == "metadata.name" && t.Equal).Select(t => t.Value).FirstOrDefault();

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var list = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            string field;
            string value;
            bool equal;
            var ne = term.IndexOf("!=", StringComparison.Ordinal);
            if (ne > 0)
            {
                (field, value, equal) = (term[..ne], term[(ne + 2)..], false);
            }
            else
            {
                var eq = term.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw StatusFactory.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
                }

                value = term[(eq + 1)..];
                if (value.StartsWith('='))
                {
                    value = value[1..];
                }

                (field, equal) = (term[..eq], true);
            }

            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace") && !type.SelectableFields.Contains(field))
            {
                throw StatusFactory.BadRequest($"field label not supported: {field}");
            }

            list.Add((field, equal, value.Trim()));
        }

        return new FieldSelector(list);
    }

    public bool Matches(StoredObject obj)
    {
        foreach (var (field, equal, value) in terms)
        {
            var actual = field switch
            {
                "metadata.name" => obj.Name,
                "metadata.namespace" => obj.Namespace ?? string.Empty,
                _ => obj.GetField(field) ?? string.Empty,
            };
            if (string.Equals(actual, value, StringComparison.Ordinal) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
