namespace Spool.Api.V1Alpha1;

/// <summary>Stripes [fromStripe, toStripe] written without the named member.</summary>
public sealed record DegradedRange
{
    public int Member { get; init; }

    public string? Drive { get; init; }

    public long FromStripe { get; init; }

    /// <summary>Empty while the member is still missing.</summary>
    public long? ToStripe { get; init; }
}
