namespace Spool.Api.V1Alpha1;

public sealed record HeldDrive
{
    /// <summary>TapeDrive name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Member index in a Mirror or Parity set; 0 otherwise.</summary>
    public int Member { get; init; }

    /// <summary>Active, Failed (lost mid-job) or Released.</summary>
    public string State { get; init; } = "Active";

    /// <summary>Stripe from which this drive holds the member, when it replaced a failed one.</summary>
    public long? FromStripe { get; init; }
}
