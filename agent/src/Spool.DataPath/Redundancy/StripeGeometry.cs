namespace Spool.DataPath.Redundancy;

/// <summary>
/// Left-symmetric RAID-5 placement: stripe s puts its parity on member k - (s mod (k+1)), so parity walks from the last member
/// to the first, and data slot j goes to the member after the parity one, wrapping around.
/// </summary>
public readonly record struct StripeGeometry(int DataMembers)
{
    public int Width => DataMembers + 1;

    public int ParityMember(long stripe) => DataMembers - (int)(stripe % Width);

    public int DataMember(long stripe, int slot) => (ParityMember(stripe) + 1 + slot) % Width;

    /// <summary>The data slot member <paramref name="member"/> holds in <paramref name="stripe"/>, or -1 for the parity member.</summary>
    public int SlotOf(long stripe, int member)
    {
        var p = ParityMember(stripe);
        return member == p ? -1 : (member - p - 1 + Width) % Width;
    }
}
