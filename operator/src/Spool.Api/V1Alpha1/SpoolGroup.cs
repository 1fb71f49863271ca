namespace Spool.Api.V1Alpha1;

/// <summary>Names shared by every Spool resource.</summary>
public static class SpoolGroup
{
    public const string Name = "spool.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Name + "/" + Version;
    public const string Category = "spool";

    /// <summary>Label the operator sets on jobs so that an agent can watch only its own node's work.</summary>
    public const string NodeLabel = "spool.dev/node";

    /// <summary>Label on child jobs that names the federated parent.</summary>
    public const string ParentLabel = "spool.dev/parent";

    /// <summary>Finalizer that releases drives and stops agents before a job is deleted.</summary>
    public const string Finalizer = "spool.dev/release-drives";

    /// <summary>Annotation carrying a workload's criticality for federated ordering (higher first).</summary>
    public const string CriticalityAnnotation = "spool.dev/criticality";
}
