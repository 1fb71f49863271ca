namespace Spool.Kube;

/// <summary>A patch body and its content type.</summary>
public sealed record KubePatch(KubePatchType Type, string Body, string? FieldManager = null, bool Force = false)
{
    public static KubePatch Merge(string body) => new(KubePatchType.Merge, body);

    public static KubePatch Json(string body) => new(KubePatchType.Json, body);

    public static KubePatch Apply(string body, string fieldManager, bool force = false) => new(KubePatchType.Apply, body, fieldManager, force);

    public string ContentType => Type switch
    {
        KubePatchType.Merge => "application/merge-patch+json",
        KubePatchType.Json => "application/json-patch+json",
        KubePatchType.Strategic => "application/strategic-merge-patch+json",
        KubePatchType.Apply => "application/apply-patch+yaml",
        _ => throw new ArgumentOutOfRangeException(nameof(Type)),
    };
}
