namespace Spool.Api;

/// <summary>
/// Names the REST resource behind a type, so that clients build paths from the type alone and the
/// transpiler emits the CRD names from the same source.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KubernetesEntityAttribute : Attribute
{
    public KubernetesEntityAttribute(string group, string version, string kind, string plural)
    {
        Group = group;
        Version = version;
        Kind = kind;
        Plural = plural;
    }

    /// <summary>API group; empty for the core group.</summary>
    public string Group { get; }

    public string Version { get; }

    public string Kind { get; }

    public string Plural { get; }

    public bool Namespaced { get; init; } = true;

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}
