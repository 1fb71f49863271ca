namespace Spool.Api.V1Alpha1;

/// <summary>Stripes [fromStripe, toStripe] written without the named member.</summary>
public sealed record DegradedRange
{
    /// <summary>Index of the missing member in the drive set.</summary>
    public int Member { get; init; }

    /// <summary>The drive that held the member.</summary>
    public string? Drive { get; init; }

    /// <summary>First stripe written without the member.</summary>
    public long FromStripe { get; init; }

    /// <summary>Empty while the member is still missing.</summary>
    public long? ToStripe { get; init; }
}
