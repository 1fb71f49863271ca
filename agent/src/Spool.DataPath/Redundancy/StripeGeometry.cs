namespace Spool.DataPath.Redundancy;

/// <summary>
/// RAID-5 placement as in Figure 3 of the checkpoint-striping patent application (docs/format.md, Redundancy): stripe 0 keeps its parity on the last
/// member, and each following stripe moves it one member on (wrapping), with data slot j on the j-th member after the parity.
/// </summary>
public readonly record struct StripeGeometry(int DataMembers)
{
    public int Width => DataMembers + 1;

    public int ParityMember(long stripe) => (int)((stripe + DataMembers) % Width);

    public int DataMember(long stripe, int slot) => (ParityMember(stripe) + 1 + slot) % Width;

    /// <summary>The data slot member <paramref name="member"/> holds in <paramref name="stripe"/>, or -1 for the parity member.</summary>
    public int SlotOf(long stripe, int member)
    {
        var p = ParityMember(stripe);
        return member == p ? -1 : (member - p - 1 + Width) % Width;
    }
}
