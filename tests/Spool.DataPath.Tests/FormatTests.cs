using FsCheck;
using FsCheck.Fluent;
using System.Runtime.InteropServices;
using System.Text;

using Spool.DataPath.Format;
using Spool.DataPath.Native;
using Spool.DataPath.Tar;

namespace Spool.DataPath.Tests;

public sealed class FormatTests
{
    [Test]
    public void Crc32cMatchesTheStandardCheckValue() =>
        Crc32C.Compute("123456789"u8).Should().Be(0xE3069283u);

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property HardwareAndSoftwareCrcAgree() => Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i)).ToArbitrary(), data =>
    {
        var hw = Crc32C.Compute(data);
        var sw = ~Crc32C.UpdateSoftware(~0u, data);
        hw.Should().Be(sw);
        Crc32C.Append(Crc32C.Compute(data.AsSpan(0, data.Length / 2)), data.AsSpan(data.Length / 2)).Should().Be(hw);
    });

    /// <summary>Long inputs take the three-lane path: every length around the lane boundaries, at odd starting offsets.</summary>
    [Test]
    public void HardwareAndSoftwareCrcAgreeOnLongInputs()
    {
        var rng = new Random(11);
        var data = new byte[70_000];
        rng.NextBytes(data);
        foreach (var length in new[] { 12_287, 12_288, 12_289, 24_576, 24_583, 40_000, 65_536 + 5 })
        {
            foreach (var start in new[] { 0, 1, 7 })
            {
                var span = data.AsSpan(start, length);
                Crc32C.Compute(span).Should().Be(~Crc32C.UpdateSoftware(~0u, span), $"length {length} at {start}");
            }
        }

        Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 30_001)), data.AsSpan(30_001)).Should().Be(Crc32C.Compute(data));
    }

    [Test]
    public void PlainBlocksVerifyAndDetectEveryFlippedByte()
    {
        using var codec = new BlockCodec(Engines.SmallBlock, null);
        var block = SealedBlock(codec);
        codec.TryOpen((byte[])block.Clone(), out var h, out var error).Should().BeTrue(error);
        h.Sequence.Should().Be(42);
        var rng = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var copy = (byte[])block.Clone();
            var at = rng.Next(BlockHeader.Size + 5000);
            copy[at] ^= (byte)(1 << rng.Next(8));
            codec.TryOpen(copy, out _, out _).Should().BeFalse($"flip at {at}");
        }
    }

    [Test]
    public void EncryptedBlocksRoundTripAndRejectTamperingAndWrongKeys()
    {
        using var codec = new BlockCodec(Engines.SmallBlock, Engines.Key());
        var block = SealedBlock(codec);
        block.AsSpan(BlockHeader.Size, 5000).SequenceEqual(Payload()).Should().BeFalse("the payload is ciphertext");
        codec.TryOpen((byte[])block.Clone(), out _, out var error).Should().BeTrue(error);
        var opened = (byte[])block.Clone();
        codec.TryOpen(opened, out _, out _);
        opened.AsSpan(BlockHeader.Size, 5000).SequenceEqual(Payload()).Should().BeTrue();

        var tampered = (byte[])block.Clone();
        tampered[40] ^= 1; // the epoch field: headers are authenticated too
        codec.TryOpen(tampered, out _, out _).Should().BeFalse();

        using var other = new BlockCodec(Engines.SmallBlock, new EncryptionKey("other", new byte[32]));
        other.TryOpen((byte[])block.Clone(), out _, out var why).Should().BeFalse();
        why.Should().Contain("tag");
        using var none = new BlockCodec(Engines.SmallBlock, null);
        none.TryOpen((byte[])block.Clone(), out _, out why).Should().BeFalse();
        why.Should().Contain("no key");
    }

    [Test]
    public void NoncesAreNeverReusedAcrossBlocksOrWriterSessions()
    {
        var seen = new HashSet<string>();
        for (var session = 0; session < 20; session++)
        {
            using var codec = new BlockCodec(Engines.SmallBlock, Engines.Key());
            for (var i = 0; i < 50; i++)
            {
                var b = SealedBlock(codec);
                seen.Add(Convert.ToHexString(b.AsSpan(BlockHeader.NonceOffset, BlockHeader.NonceSize))).Should().BeTrue();
            }
        }
    }

    [Test]
    public void TapeIoctlRequestsMatchLinuxMtioH()
    {
        TapeIoctl.MtIocTop.Should().Be(0x40086D01u);
        TapeIoctl.MtIocGet.Should().Be(0x80306D02u);
        TapeIoctl.Encode(TapeIoctl.IocRead, 'm', 3, 8).Should().Be(0x80086D03u, "MTIOCPOS");
        Marshal.SizeOf<MtOp>().Should().Be(8);
        Marshal.OffsetOf<MtOp>(nameof(MtOp.Count)).ToInt32().Should().Be(4);
        Marshal.SizeOf<MtGet>().Should().Be(48);
        Marshal.OffsetOf<MtGet>(nameof(MtGet.FileNo)).ToInt32().Should().Be(40);
        Marshal.OffsetOf<MtGet>(nameof(MtGet.BlkNo)).ToInt32().Should().Be(44);
        ((short)MtOperation.Weof).Should().Be(5);
        ((short)MtOperation.Fsf).Should().Be(1);
        ((short)MtOperation.Bsf).Should().Be(2);
        ((short)MtOperation.Rew).Should().Be(6);
        ((short)MtOperation.SetBlk).Should().Be(20);
        Marshal.SizeOf<StatxBuffer>().Should().Be(256);
    }

    [TestCase("short/name.txt")]
    [TestCase("ünïcødé/日本語/file")]
    [TestCase("new\nline")]
    public void PaxHeadersRoundTrip(string path)
    {
        var longPath = path + "/" + string.Join('/', Enumerable.Repeat(new string('d', 90), 4));
        foreach (var p in new[] { path, longPath })
        {
            var bytes = PaxTarWriter.Header(new TarEntryHeader(p, TarEntryHeader.Regular, 12345678901, 0x1ED, 1000, 70000000, 1_700_000_000, null));
            (bytes.Length % 512).Should().Be(0);
            Dictionary<string, string>? pax = null;
            var main = bytes.AsSpan();
            if (bytes[156] == (byte)'x')
            {
                TarHeaderReader.TryParse(bytes, null, out var xh, out _).Should().BeTrue();
                pax = TarHeaderReader.ParsePax(bytes.AsSpan(512, (int)xh.Size));
                main = bytes.AsSpan(bytes.Length - 512);
            }

            TarHeaderReader.TryParse(main, pax, out var h, out var error).Should().BeTrue(error);
            h.Path.Should().Be(p);
            h.Size.Should().Be(12345678901);
            h.Gid.Should().Be(70000000);
        }
    }

    private static byte[] Payload() => Encoding.ASCII.GetBytes(new string('p', 5000));

    private static byte[] SealedBlock(BlockCodec codec)
    {
        var block = new byte[codec.BlockSize];
        Payload().CopyTo(block, BlockHeader.Size);
        codec.Seal(block, new BlockHeader(BlockKind.Data, CompressionKind.None, BlockFlags.None, Guid.NewGuid(), 42, 3, 1000, 1, 5000, 5000));
        return block;
    }
}
