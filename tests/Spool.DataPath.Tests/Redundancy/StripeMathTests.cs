using FsCheck;
using FsCheck.Fluent;
using Spool.DataPath.Redundancy;

namespace Spool.DataPath.Tests.Redundancy;

public sealed class StripeMathTests
{
    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property VectorXorMatchesScalarXor() => Prop.ForAll(
        Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i)).ToArbitrary(),
        Gen.Choose(0, int.MaxValue).ToArbitrary(),
        (a, seed) =>
        {
            var b = new byte[a.Length];
            new Random(seed).NextBytes(b);
            var acc = a.ToArray();
            StripeXor.Xor(acc, b);
            acc.Should().Equal(a.Zip(b, (x, y) => (byte)(x ^ y)));
        });

    [Test]
    public void EveryStripeHasOneParityMemberThatRotatesAndEveryOtherMemberHoldsOneSlot([Range(2, 8)] int k)
    {
        var g = new StripeGeometry(k);
        var parities = new HashSet<int>();
        for (long s = 0; s < 3 * (k + 1); s++)
        {
            var slots = Enumerable.Range(0, k).Select(j => g.DataMember(s, j)).ToList();
            slots.Append(g.ParityMember(s)).Should().OnlyHaveUniqueItems().And.HaveCount(k + 1).And.OnlyContain(m => m >= 0 && m <= k);
            slots.Select(m => g.SlotOf(s, m)).Should().Equal(Enumerable.Range(0, k));
            g.SlotOf(s, g.ParityMember(s)).Should().Be(-1);
            parities.Add(g.ParityMember(s));
        }

        parities.Should().HaveCount(k + 1, "parity visits every member");
        g.ParityMember(0).Should().Be(k);
    }

    [Test]
    public void ThreePlusOneLaysOutBlocksLikeFigure3()
    {
        // Nine subsegments over four servers: server 1 holds 0, P(3,4,5), 8; server 2 holds 1, 3, P(6,7,8);
        // server 3 holds 2, 4, 6; server 4 holds P(0,1,2), 5, 7.
        var g = new StripeGeometry(3);
        var layout = Enumerable.Range(0, 4).Select(m => Enumerable.Range(0, 3).Select(s => g.SlotOf(s, m) < 0 ? "P" : (s * 3 + g.SlotOf(s, m)).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        layout.Should().BeEquivalentTo(new[] { new[] { "0", "P", "8" }, ["1", "3", "P"], ["2", "4", "6"], ["P", "5", "7"] }, o => o.WithStrictOrdering());
    }
}
