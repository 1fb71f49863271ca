namespace Spool.Api.V1Alpha1;

/// <summary>What the agent reports when its epoch's work ends.</summary>
public sealed record AgentReport
{
    /// <summary>Placement epoch the report is for; a report of an older epoch is ignored.</summary>
    public long Epoch { get; init; }

    /// <summary>Node of the reporting agent.</summary>
    public string? Node { get; init; }

    /// <summary>Completed, Failed or HandedBack (the agent gave the job up, for example on shutdown).</summary>
    public string Outcome { get; init; } = "";

    /// <summary>Machine-readable CamelCase reason.</summary>
    public string? Reason { get; init; }

    /// <summary>Human-readable details.</summary>
    public string? Message { get; init; }

    /// <summary>Drives the agent found failing, so that the operator can mark them and move the job.</summary>
    public IReadOnlyList<string>? FailedDrives { get; init; }

    /// <summary>Set with Completed of a Mirror or Parity backup: the stripes written in all, so that an open degraded range can be closed.</summary>
    public long? Stripes { get; init; }

    /// <summary>Set with Completed: the verified catalog.</summary>
    public CatalogLocation? Catalog { get; init; }

    /// <summary>When the agent wrote the report.</summary>
    public DateTimeOffset? Time { get; init; }
}
