namespace Spool.Api.V1Alpha1;

/// <summary>What the agent reports when its epoch's work ends.</summary>
public sealed record AgentReport
{
    public long Epoch { get; init; }

    public string? Node { get; init; }

    /// <summary>Completed, Failed or HandedBack (the agent gave the job up, for example on shutdown).</summary>
    public string Outcome { get; init; } = "";

    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>Drives the agent found failing, so that the operator can mark them and move the job.</summary>
    public IReadOnlyList<string>? FailedDrives { get; init; }

    /// <summary>Set with Completed: the verified catalog.</summary>
    public CatalogLocation? Catalog { get; init; }

    public DateTimeOffset? Time { get; init; }
}
