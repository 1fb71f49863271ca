using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>One served resource: a group/version/kind and how it is stored and shown.</summary>
public sealed record ResourceType
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Kind { get; init; }
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public required bool Namespaced { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public bool HasStatus { get; init; }
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>Field selectors accepted besides metadata.name and metadata.namespace.</summary>
    public IReadOnlyList<string> SelectableFields { get; init; } = [];

    /// <summary>openAPIV3Schema of a custom resource version; null for built-ins.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>True for resources defined by a CustomResourceDefinition.</summary>
    public bool IsCustom { get; init; }

    /// <summary>Extra subresources served besides status (e.g. pods/exec).</summary>
    public IReadOnlyList<string> ExtraSubresources { get; init; } = [];

    /// <summary>Storage key shared by all versions of a resource.</summary>
    public string StorageKey => Group.Length == 0 ? Plural : Plural + "." + Group;

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string GroupVersion => ApiVersion;

    /// <summary>"backupjobs.spool.dev" or "pods" as used in error messages.</summary>
    public string QualifiedResource => StorageKey;

    /// <summary>"BackupJob.spool.dev" or "Pod" as used in Invalid messages.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : Kind + "." + Group;
}
