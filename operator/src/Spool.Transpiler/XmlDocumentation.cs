using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Spool.Transpiler;

/// <summary>
/// The <c>&lt;summary&gt;</c> texts of an assembly's XML documentation file, which become the CRD field
/// descriptions that <c>kubectl explain</c> shows.
/// </summary>
public sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> summaries;

    private XmlDocumentation(Dictionary<string, string> summaries)
    {
        this.summaries = summaries;
    }

    /// <summary>Reads the documentation file the compiler writes next to the assembly.</summary>
    public static XmlDocumentation For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The XML documentation of {assembly.GetName().Name} is missing; build it with GenerateDocumentationFile=true so that CRD descriptions can be generated",
                path);
        }

        return Parse(XDocument.Load(path));
    }

    public static XmlDocumentation Parse(XDocument document)
    {
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in document.Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            var summary = member.Element("summary");
            if (name is null || summary is null)
            {
                continue;
            }

            var text = Render(summary);
            if (text.Length > 0)
            {
                summaries[name] = text;
            }
        }

        return new XmlDocumentation(summaries);
    }

    public string? Summary(Type type) => summaries.GetValueOrDefault("T:" + TypeId(type));

    public string? Summary(PropertyInfo property) =>
        summaries.GetValueOrDefault("P:" + TypeId(property.DeclaringType!) + "." + property.Name);

    public string? Summary(FieldInfo field) =>
        summaries.GetValueOrDefault("F:" + TypeId(field.DeclaringType!) + "." + field.Name);

    private static string TypeId(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private static string Render(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement e when e.Name == "see" || e.Name == "seealso":
                    text.Append(CrefText(e));
                    break;
                case XElement e when e.Name == "paramref" || e.Name == "typeparamref":
                    text.Append(e.Attribute("name")?.Value);
                    break;
                case XElement e:
                    text.Append(Render(e));
                    break;
            }
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    // A cref to a property names the JSON field a user writes, so it is shown camelCased.
    private static string CrefText(XElement see)
    {
        if (!see.IsEmpty && see.Value.Length > 0)
        {
            return see.Value;
        }

        var cref = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? "";
        var kind = cref.Length > 1 && cref[1] == ':' ? cref[0] : 'T';
        var name = cref[(cref.IndexOf(':') + 1)..];
        var paren = name.IndexOf('(');
        if (paren >= 0)
        {
            name = name[..paren];
        }

        name = name[(name.LastIndexOf('.') + 1)..];
        var tick = name.IndexOf('`');
        if (tick >= 0)
        {
            name = name[..tick];
        }

        return kind == 'P' || kind == 'F' ? SchemaNames.CamelCase(name) : name;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
