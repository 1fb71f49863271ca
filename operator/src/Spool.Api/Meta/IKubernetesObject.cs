namespace Spool.Api;

/// <summary>An object stored by the Kubernetes API: apiVersion, kind and metadata.</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; init; }

    string? Kind { get; init; }

    ObjectMeta Metadata { get; init; }
}
