namespace Spool.Api.V1Alpha1;

/// <summary>The metadata a template may set on the objects it creates.</summary>
public sealed record JobTemplateMetadata
{
    /// <summary>Labels for each created object.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Annotations for each created object.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
