using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spool.Api;

namespace Spool.Transpiler;

/// <summary>JSON names exactly as <see cref="KubeJson"/> writes them.</summary>
public static class SchemaNames
{
    public static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    public static string Property(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? KubeJson.Options.PropertyNamingPolicy?.ConvertName(property.Name)
        ?? property.Name;

    public static string EnumMember(FieldInfo member) =>
        member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? member.Name;
}
