namespace Spool.ApiServer;

/// <summary>Namespace, label and field filtering shared by list and watch.</summary>
public sealed record ObjectFilter(string? Namespace, LabelSelector Labels, FieldSelector Fields)
{
    public static ObjectFilter All { get; } = new(null, LabelSelector.Everything, FieldSelector.Everything);

    public bool Matches(StoredObject obj) =>
        (Namespace is null || string.Equals(obj.Namespace, Namespace, StringComparison.Ordinal))
        && Labels.Matches(obj.Labels)
        && Fields.Matches(obj);
}
