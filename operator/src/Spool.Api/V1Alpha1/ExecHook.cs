using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>A command executed in the workload's container through the pods/exec API.</summary>
public sealed record ExecHook
{
    /// <summary>Container name; the pod's first container when empty.</summary>
    public string? Container { get; init; }

    /// <summary>The command and its arguments.</summary>
    [Required]
    [MinLength(1)]
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Seconds after which the hook counts as failed.</summary>
    [Range(1, 3600)]
    [DefaultValue(30)]
    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>Fail stops the backup when the hook fails; Continue records a warning.</summary>
    [DefaultValue(HookErrorMode.Fail)]
    public HookErrorMode OnError { get; init; } = HookErrorMode.Fail;
}
