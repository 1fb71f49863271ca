namespace Spool.DataPath.Redundancy;

public enum RedundancyMode
{
    None = 0,

    /// <summary>k data members plus one XOR parity block per stripe, rotating across the k+1 members as in RAID-5.</summary>
    Parity = 1,

    /// <summary>Every member holds every block.</summary>
    Mirror = 2,
}
