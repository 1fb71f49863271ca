namespace Spool.Api.V1Alpha1;

/// <summary>What a due run does while an earlier run of the same schedule is unfinished.</summary>
public enum ConcurrencyPolicy
{
    /// <summary>Start the new run alongside.</summary>
    Allow,

    /// <summary>Skip the new run.</summary>
    Forbid,

    /// <summary>Delete the unfinished run, then start the new one.</summary>
    Replace,
}
