namespace Spool.Operator.Decisions;

/// <summary>A BackupJob or RestoreJob by kind, namespace, name and uid.</summary>
public sealed record JobRef(string Kind, string Namespace, string Name, string? Uid)
{
    /// <summary>namespace/name, as written to <c>TapeDrive.status.holder.job</c>.</summary>
    public string Key => $"{Namespace}/{Name}";

    public override string ToString() => $"{Kind} {Key}";
}
