using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath.Redundancy;

/// <summary>
/// Reads a logical tape file of a redundancy set. A block is taken from its own member when it is there and its CRC holds;
/// otherwise it is rebuilt (parity: XOR of the stripe's other members; mirror: the next copy) and the member is recorded as
/// degraded. Encrypted blocks carry no CRC, so for them this layer checks only the header and the engine's tag check decides.
/// </summary>
internal sealed class RedundantFileReader : ITapeFileReader
{
    private readonly RedundantDrive set;
    private readonly List<MemberSubFile> runs;
    private readonly Dictionary<(int Run, int Member), ITapeFileReader?> readers = [];
    private readonly BlockCodec codec;
    private readonly byte[] scratch;
    private readonly byte[] other;
    private readonly StripeGeometry geometry;

    public RedundantFileReader(RedundantDrive set, TapeFileAddress address, List<MemberSubFile> runs)
    {
        this.set = set;
        this.runs = runs;
        Address = address;
        codec = new BlockCodec(set.BlockSize, null);
        scratch = new byte[set.BlockSize];
        other = new byte[set.BlockSize];
        geometry = new StripeGeometry(set.Mode == RedundancyMode.Parity ? set.Width - 1 : 1);
    }

    public TapeFileAddress Address { get; }

    public bool TryReadBlock(long index, Span<byte> block)
    {
        var r = runs.FindLastIndex(x => x.FirstIndex <= index);
        if (r < 0 || index < 0)
        {
            return false;
        }

        var run = runs[r];
        var local = index - run.FirstIndex;
        var count = run.Count ?? set.EstimateCount(run);
        if (local >= count)
        {
            return false;
        }

        if (!(set.Mode == RedundancyMode.Mirror ? ReadMirrored(r, run, local) : ReadStriped(r, run, local, index)))
        {
            return false;
        }

        scratch.AsSpan(0, Math.Min(block.Length, scratch.Length)).CopyTo(block);
        return true;
    }

    private bool ReadMirrored(int r, MemberSubFile run, long local)
    {
        var bad = new List<(int Member, string Why)>();
        for (var m = 0; m < set.Width; m++)
        {
            var why = ReadMember(r, run, m, 1 + local, scratch);
            if (why is null && (why = Check(scratch)) is null)
            {
                foreach (var (member, reason) in bad)
                {
                    set.RecordRebuilt(member, $"{Address} block {local + run.FirstIndex} {reason}, read from member {m}");
                }

                return true;
            }

            bad.Add((m, why!));
        }

        return false;
    }

    private bool ReadStriped(int r, MemberSubFile run, long local, long index)
    {
        var k = geometry.DataMembers;
        var stripe = local / k;
        var dm = geometry.DataMember(stripe, (int)(local % k));
        var why = ReadMember(r, run, dm, 1 + stripe, scratch);
        if (why is null && (why = Check(scratch)) is null)
        {
            return true;
        }

        var count = run.Count ?? set.EstimateCount(run);
        scratch.AsSpan().Clear();
        for (var m = 0; m < set.Width; m++)
        {
            if (m == dm)
            {
                continue;
            }

            var slot = geometry.SlotOf(stripe, m);
            if (slot >= 0 && stripe * k + slot >= count)
            {
                continue; // past the end of a partial stripe: counted as zeros in its parity
            }

            if (ReadMember(r, run, m, 1 + stripe, other) is { } missing)
            {
                if (slot >= 0 && run.Count is null && run.Files[m] is not null && run.MemberBlocks[m] >= 0 && 1 + stripe >= run.MemberBlocks[m])
                {
                    continue; // an unclosed run: this member's slot was never written
                }

                return false;
            }

            StripeXor.Xor(scratch, other);
        }

        if (Check(scratch) is not null)
        {
            return false;
        }

        set.RecordRebuilt(dm, $"{Address} block {index} {why}, rebuilt from parity");
        return true;
    }

    /// <summary>Null when the member's block was read, else why not.</summary>
    private string? ReadMember(int r, MemberSubFile run, int member, long memberIndex, byte[] into)
    {
        if (!readers.TryGetValue((r, member), out var reader))
        {
            reader = null;
            if (set.Member(member) is { } drive && run.Files[member] is { } address)
            {
                try
                {
                    reader = drive.OpenFile(address);
                }
                catch (IOException e)
                {
                    set.RecordFailure(member, $"{Address} run at block {run.FirstIndex}: {e.Message}");
                }
            }
            else if (set.Member(member) is not null)
            {
                set.RecordFailure(member, $"{Address} run at block {run.FirstIndex}: member tape file is missing");
            }

            readers[(r, member)] = reader;
        }

        if (reader is null)
        {
            return "is on a missing member";
        }

        try
        {
            return reader.TryReadBlock(memberIndex, into) ? null : "is missing (member file truncated)";
        }
        catch (IOException e)
        {
            return $"read error {e.Message}";
        }
    }

    private string? Check(byte[] block)
    {
        if (!BlockHeader.TryRead(block, out var h, out var error))
        {
            return error;
        }

        if ((h.Flags & BlockFlags.Encrypted) != 0)
        {
            return null;
        }

        return codec.TryOpen(block, out _, out error) ? null : error;
    }

    public void Dispose()
    {
        foreach (var r in readers.Values)
        {
            r?.Dispose();
        }

        codec.Dispose();
    }
}
