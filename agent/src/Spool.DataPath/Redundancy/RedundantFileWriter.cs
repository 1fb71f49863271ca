using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath.Redundancy;

/// <summary>
/// Writes one logical tape file across the members: data blocks go straight to their member while the stripe's parity is
/// accumulated, and the parity block follows the stripe's last data block. A sync in the middle of a stripe writes that
/// partial stripe's parity and ends the member files, so everything acknowledged is protected; writing continues in new
/// member files (a new run) because nothing on a tape is ever rewritten. An absent member (a degraded set) is skipped:
/// its blocks are the ones a reader rebuilds.
/// </summary>
internal sealed class RedundantFileWriter : ITapeFileWriter
{
    private readonly RedundantDrive set;
    private readonly IDrive?[] members;
    private readonly ITapeFileWriter?[] current;
    private readonly StripeGeometry geometry;
    private readonly byte[] parity;
    private readonly byte[] control;
    private readonly BlockCodec codec;
    private bool nextMedium;
    private bool open;
    private bool closed;
    private long runFirst;
    private long stripe;
    private int slot;
    private Guid backupId;
    private long epoch;
    private int segment;
    private MemberSubFile? run;

    public RedundantFileWriter(RedundantDrive set, TapeFileAddress address, IDrive?[] members, bool nextMedium)
    {
        this.set = set;
        this.members = members;
        this.nextMedium = nextMedium;
        Address = address;
        current = new ITapeFileWriter?[members.Length];
        geometry = new StripeGeometry(set.Mode == RedundancyMode.Parity ? members.Length - 1 : 1);
        parity = new byte[set.BlockSize];
        control = new byte[set.BlockSize];
        codec = new BlockCodec(set.BlockSize, null);
    }

    public TapeFileAddress Address { get; }

    public long BlocksWritten { get; private set; }

    public bool HasRoomForBlock => !open || slot != 0 || current.All(c => c is null || c.HasRoomForBlock);

    public void WriteBlock(ReadOnlySpan<byte> block)
    {
        ObjectDisposedException.ThrowIf(closed, this);
        if (!open)
        {
            OpenRun(block);
        }

        if (set.Mode == RedundancyMode.Mirror)
        {
            foreach (var w in current)
            {
                w?.WriteBlock(block);
            }

            BlocksWritten++;
            return;
        }

        current[geometry.DataMember(stripe, slot)]?.WriteBlock(block);
        if (slot == 0)
        {
            block[..parity.Length].CopyTo(parity);
        }
        else
        {
            StripeXor.Xor(parity, block);
        }

        BlocksWritten++;
        if (++slot == geometry.DataMembers)
        {
            current[geometry.ParityMember(stripe)]?.WriteBlock(parity);
            slot = 0;
            stripe++;
        }
    }

    public void Sync()
    {
        if (!open)
        {
            return;
        }

        if (slot != 0)
        {
            EndRun();
            return;
        }

        OnEveryMember(w => w.Sync());
    }

    public void Close()
    {
        if (closed)
        {
            return;
        }

        if (open)
        {
            EndRun();
        }

        closed = true;
    }

    public void Dispose()
    {
        foreach (var w in current)
        {
            w?.Dispose();
        }

        codec.Dispose();
    }

    /// <summary>
    /// Syncs or closes the members at once: each waits for its own device (an fsync, a file mark), and at every checkpoint
    /// one after the other added up. The first member's failure, in member order, is rethrown as it was thrown.
    /// </summary>
    private void OnEveryMember(Action<ITapeFileWriter> action)
    {
        var tasks = current.Where(w => w is not null).Select(w => Task.Run(() => action(w!))).ToArray();
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException)
        {
            var first = tasks.First(t => t.IsFaulted).Exception!.InnerException!;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    private void OpenRun(ReadOnlySpan<byte> first)
    {
        if (BlocksWritten == 0)
        {
            // The first block of every logical file is a segment header: the members take their identity from it.
            if (!BlockHeader.TryRead(first, out var h, out var error))
            {
                throw new InvalidDataException($"first block of a logical tape file is not a block header: {error}");
            }

            backupId = h.BackupId;
            epoch = h.Epoch;
            segment = h.Segment;
        }

        runFirst = BlocksWritten;
        stripe = 0;
        slot = 0;
        run = new MemberSubFile(runFirst, members.Length);
        for (var i = 0; i < members.Length; i++)
        {
            current[i]?.Dispose();
            current[i] = null;
            if (members[i] is not { } member)
            {
                continue;
            }

            var w = member.AppendFile(nextMedium);
            current[i] = w;
            run.Files[i] = w.Address;
            var info = new StripeMemberHeader
            {
                SetId = set.Id,
                Stripe = RedundantDrive.MemberInfo(set.Mode, members.Length, i, set.MemberNames),
                BackupId = backupId,
                Epoch = epoch,
                Segment = segment,
                LogicalMedium = Address.Medium,
                LogicalFile = Address.File,
                FirstIndex = runFirst,
                BlockSize = set.BlockSize,
            };
            var json = SpoolJson.Serialize(info);
            control.AsSpan().Clear();
            json.CopyTo(control, BlockHeader.Size);
            codec.Seal(control, new BlockHeader(BlockKind.StripeMember, CompressionKind.None, BlockFlags.None, backupId, runFirst, epoch, 0, segment, json.Length, json.Length), allowEncryption: false);
            w.WriteBlock(control);
        }

        nextMedium = false;
        set.AddRun(Address, run);
        open = true;
    }

    private void EndRun()
    {
        if (set.Mode == RedundancyMode.Parity && slot != 0)
        {
            // Slots past the end count as zero blocks, so the partial parity is the XOR of the blocks that exist.
            current[geometry.ParityMember(stripe)]?.WriteBlock(parity);
        }

        control.AsSpan().Clear();
        codec.Seal(control, new BlockHeader(BlockKind.StripeEnd, CompressionKind.None, BlockFlags.None, backupId, runFirst, epoch, BlocksWritten - runFirst, segment, 0, 0), allowEncryption: false);
        foreach (var w in current)
        {
            w?.WriteBlock(control);
        }

        OnEveryMember(w => w.Close());

        run!.Count = BlocksWritten - runFirst;
        for (var i = 0; i < current.Length; i++)
        {
            run.MemberBlocks[i] = current[i]?.BlocksWritten ?? -1;
        }

        open = false;
    }
}
