namespace Spool.Api.V1Alpha1;

public sealed record BackupHooks
{
    /// <summary>Run in order before the volume is read, for example to flush and freeze a database.</summary>
    public IReadOnlyList<ExecHook>? Pre { get; init; }

    /// <summary>Run in order after the volume is read, also after a failed read.</summary>
    public IReadOnlyList<ExecHook>? Post { get; init; }
}
