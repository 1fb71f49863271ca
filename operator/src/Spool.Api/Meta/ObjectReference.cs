namespace Spool.Api;

/// <summary>A reference to another object by kind, namespace and name.</summary>
public sealed record ObjectReference
{
    /// <summary>API version of the referent.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>Kind of the referent.</summary>
    public string? Kind { get; init; }

    /// <summary>Namespace of the referent; empty for cluster-scoped objects.</summary>
    public string? Namespace { get; init; }

    /// <summary>Name of the referent.</summary>
    public string? Name { get; init; }

    /// <summary>UID of the referent, which tells a re-created object of the same name apart.</summary>
    public string? Uid { get; init; }

    /// <summary>The referent's resourceVersion when the reference was made.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>A field inside the referent, when the reference is to part of it.</summary>
    public string? FieldPath { get; init; }
}
