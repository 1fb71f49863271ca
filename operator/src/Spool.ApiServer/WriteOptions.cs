namespace Spool.ApiServer;

/// <summary>Per-request write settings from the query string (dryRun, fieldManager, force, fieldValidation).</summary>
public sealed record WriteOptions
{
    public static WriteOptions Default { get; } = new();

    public bool DryRun { get; init; }

    public string? FieldManager { get; init; }

    public bool Force { get; init; }

    /// <summary>Strict, Warn (the default) or Ignore.</summary>
    public string FieldValidation { get; init; } = "Warn";

    /// <summary>Collects HTTP Warning texts (e.g. unknown fields) for the response.</summary>
    public List<string> Warnings { get; } = [];
}
