using System.Security.Cryptography;
using System.Text;
using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath.Redundancy;

/// <summary>
/// A parity or mirror set of member drives presented as one drive, the way Amanda's RAIT device sits under its tape writer:
/// the engine writes and reads one logical block stream, this layer places each block on its member, adds the rotating XOR
/// parity, and on reading rebuilds blocks that are missing or fail their CRC from the other members, recording which member
/// was at fault. Logical tape files are numbered by the set; member tape files carry their logical address in block 0.
/// </summary>
public sealed class RedundantDrive : IDrive
{
    private readonly IDrive?[] members;
    private readonly string[] memberNames;
    private readonly Dictionary<TapeFileAddress, List<MemberSubFile>> files;
    private readonly List<string>[] problems;
    private readonly bool[] failed;
    private readonly Lock gate = new();

    private RedundantDrive(string setId, RedundancyMode mode, IDrive?[] members, string[] memberNames, int blockSize, Dictionary<TapeFileAddress, List<MemberSubFile>> files)
    {
        Id = setId;
        Mode = mode;
        this.members = members;
        this.memberNames = memberNames;
        this.files = files;
        BlockSize = blockSize;
        problems = members.Select(_ => new List<string>()).ToArray();
        failed = new bool[members.Length];
        var present = members.FirstOrDefault(m => m is not null) ?? throw new ArchiveException($"{setId}: no member is available");
        Spec = present.Spec with { Path = string.Join(",", memberNames) };
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i] is null)
            {
                RecordFailure(i, "drive is missing");
            }
        }
    }

    public string Id { get; }

    public RedundancyMode Mode { get; }

    public int Width => members.Length;

    /// <summary>k: members carrying data in each stripe (the whole width for a mirror, where each member carries all).</summary>
    public int DataMembers => Mode == RedundancyMode.Parity ? members.Length - 1 : 1;

    public DriveSpec Spec { get; }

    public int BlockSize { get; }

    internal IDrive? Member(int index) => members[index];

    internal string MemberName(int index) => memberNames[index];

    internal IReadOnlyList<string> MemberNames => memberNames;

    /// <summary>
    /// Opens (creating if needed) every member for writing; all must be there except the set's absent members, which are
    /// written degraded: their blocks are left out and a reader rebuilds them from parity or another copy.
    /// </summary>
    public static RedundantDrive Create(RedundancySet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        set.Validate();
        var opened = new IDrive?[set.Members.Count];
        try
        {
            for (var i = 0; i < opened.Length; i++)
            {
                if (!set.AbsentMembers.Contains(i))
                {
                    opened[i] = DriveFactory.Open(set.Members[i], create: true);
                }
            }

            var present = opened.Where(d => d is not null).Select(d => d!).ToList();
            var bs = present[0].BlockSize;
            if (present.Any(d => d.BlockSize != bs))
            {
                throw new ArgumentException($"members of a redundancy set need one block size: {string.Join(", ", present.Select(d => $"{d.Spec.Path}={d.BlockSize}"))}");
            }

            // A degraded set is a set of its own: its id names the absent member by path, as its id cannot be read.
            var setId = SetIdOf(set.Mode, opened.Select((d, i) => d?.Id ?? "absent:" + Path.GetFullPath(set.Members[i].Path)));
            var names = set.Members.Select(m => m.Path).ToArray();
            var table = Scan(setId, opened, bs, out _);
            return new RedundantDrive(setId, set.Mode, opened, names, bs, table);
        }
        catch
        {
            foreach (var d in opened)
            {
                d?.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Opens drives for reading. Drives holding member files are grouped into their sets (a set with a missing member is
    /// opened degraded); a drive that cannot be opened is tolerated only if a set names it as a member.
    /// </summary>
    public static List<IDrive> OpenForReading(IReadOnlyList<DriveSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var plain = new List<IDrive>();
        var unopened = new List<(DriveSpec Spec, Exception Error)>();
        var memberOf = new Dictionary<string, (StripeMemberHeader Header, IDrive Drive)>(StringComparer.Ordinal);
        var byMember = new List<(StripeMemberHeader Header, IDrive Drive)>();
        foreach (var spec in specs)
        {
            IDrive d;
            try
            {
                d = DriveFactory.Open(spec, create: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unopened.Add((spec, e));
                continue;
            }

            var headers = MemberHeaders(d).ToList();
            if (headers.Count == 0)
            {
                plain.Add(d);
                continue;
            }

            foreach (var h in headers.DistinctBy(h => h.SetId))
            {
                byMember.Add((h, d));
            }
        }

        var result = new List<IDrive>(plain);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in byMember.GroupBy(x => x.Header.SetId))
        {
            var first = set.First().Header;
            var width = first.Stripe.Width;
            var arr = new IDrive?[width];
            foreach (var (h, d) in set)
            {
                arr[h.Stripe.MemberIndex] = d;
            }

            var names = first.Stripe.MemberDrives.ToArray();
            foreach (var n in names)
            {
                named.Add(Path.GetFullPath(n));
            }

            var missing = Enumerable.Range(0, width).Where(i => arr[i] is null).ToList();
            var mode = Enum.Parse<RedundancyMode>(first.Stripe.Mode, ignoreCase: true);
            var tolerated = mode == RedundancyMode.Parity ? 1 : width - 1;
            if (missing.Count > tolerated)
            {
                result.ForEach(r => r.Dispose());
                set.Select(x => x.Drive).Distinct().ToList().ForEach(x => x.Dispose());
                throw new ArchiveException($"{mode.ToString().ToLowerInvariant()} set {first.SetId} cannot be read: {missing.Count} of its {width} members are missing ({string.Join(", ", missing.Select(i => $"member {i} {names[i]}"))}); at most {tolerated} may be missing");
            }

            var bs = set.First().Drive.BlockSize;
            result.Add(new RedundantDrive(first.SetId, mode, arr, names, bs, Scan(first.SetId, arr, bs, out _)));
        }

        foreach (var (spec, error) in unopened)
        {
            if (!named.Contains(Path.GetFullPath(spec.Path)))
            {
                result.ForEach(r => r.Dispose());
                throw error is DriveException ? error : new DriveException($"drive {spec.Path}: {error.Message}", error);
            }
        }

        return result;
    }

    /// <summary>Per-member health of every redundancy set among <paramref name="drives"/>, from what was read so far.</summary>
    public static IReadOnlyList<MemberReport> Reports(IEnumerable<IDrive> drives) =>
        drives.OfType<RedundantDrive>().SelectMany(d => d.Report()).ToList();

    public IReadOnlyList<MemberReport> Report()
    {
        lock (gate)
        {
            return Enumerable.Range(0, members.Length)
                .Select(i => new MemberReport(Id, Mode, i, memberNames[i], failed[i] ? MemberHealth.Failed : problems[i].Count > 0 ? MemberHealth.Degraded : MemberHealth.Complete, problems[i].ToList()))
                .ToList();
        }
    }

    internal void RecordFailure(int member, string problem)
    {
        lock (gate)
        {
            failed[member] = true;
            if (!problems[member].Contains(problem))
            {
                problems[member].Add(problem);
            }
        }
    }

    internal void RecordRebuilt(int member, string problem)
    {
        lock (gate)
        {
            if (!problems[member].Contains(problem))
            {
                problems[member].Add(problem);
            }
        }
    }

    public IReadOnlyList<TapeFileInfo> ListFiles()
    {
        lock (gate)
        {
            return files.OrderBy(f => f.Key.Medium).ThenBy(f => f.Key.File)
                .Select(f => { var n = LogicalBlocks(f.Value); return new TapeFileInfo(f.Key, n, n * BlockSize, false); })
                .ToList();
        }
    }

    private long LogicalBlocks(List<MemberSubFile> runs)
    {
        long total = 0;
        foreach (var r in runs)
        {
            total = r.FirstIndex + (r.Count ?? EstimateCount(r));
        }

        return total;
    }

    /// <summary>An upper bound for a run its writer never closed: whole stripes up to the longest member.</summary>
    internal long EstimateCount(MemberSubFile run)
    {
        var longest = Math.Max(0, run.MemberBlocks.Max() - 1);
        return Mode == RedundancyMode.Parity ? longest * DataMembers : longest;
    }

    /// <summary>
    /// Checks every complete stripe's parity against its data, as a RAID scrub does: reading the data alone never touches a
    /// parity block, so a damaged one would stay hidden until the day a member is lost and it is needed. A mismatch whose data
    /// blocks all pass their own checks is charged to the parity member. Stripes with a member missing cannot be checked.
    /// </summary>
    public void ScrubParity(CancellationToken cancellationToken)
    {
        if (Mode != RedundancyMode.Parity)
        {
            return;
        }

        List<(TapeFileAddress Address, List<MemberSubFile> Runs)> snapshot;
        lock (gate)
        {
            snapshot = files.OrderBy(f => f.Key.Medium).ThenBy(f => f.Key.File).Select(f => (f.Key, f.Value.ToList())).ToList();
        }

        var geometry = new StripeGeometry(DataMembers);
        using var codec = new BlockCodec(BlockSize, null);
        var sum = new byte[BlockSize];
        var block = new byte[BlockSize];
        foreach (var (address, runs) in snapshot)
        {
            foreach (var run in runs)
            {
                if (run.Files.Any(f => f is null) || Enumerable.Range(0, Width).Any(m => members[m] is null))
                {
                    continue;
                }

                var readers = new ITapeFileReader?[Width];
                try
                {
                    for (var m = 0; m < Width; m++)
                    {
                        try
                        {
                            readers[m] = members[m]!.OpenFile(run.Files[m]!.Value);
                        }
                        catch (IOException)
                        {
                            readers[m] = null; // the data read reports an unopenable member file already
                        }
                    }

                    var count = run.Count ?? EstimateCount(run);
                    var stripes = (count + DataMembers - 1) / DataMembers;
                    for (long s = 0; s < stripes; s++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        Array.Clear(sum);
                        var parityMember = geometry.ParityMember(s);
                        var checkable = true;
                        var dataSound = true;
                        for (var m = 0; m < Width && checkable; m++)
                        {
                            var slot = geometry.SlotOf(s, m);
                            if (slot >= 0 && s * DataMembers + slot >= count)
                            {
                                continue; // past the end of a partial stripe: zeros in its parity
                            }

                            if (readers[m] is not { } reader || !reader.TryReadBlock(1 + s, block))
                            {
                                checkable = false;
                                break;
                            }

                            if (slot >= 0 && !IsSound(block, codec))
                            {
                                dataSound = false;
                            }

                            StripeXor.Xor(sum, block);
                        }

                        if (checkable && dataSound && sum.AsSpan().ContainsAnyExcept((byte)0))
                        {
                            RecordRebuilt(parityMember, $"{address} stripe {s} parity does not match its data (scrub)");
                        }
                    }
                }
                finally
                {
                    foreach (var r in readers)
                    {
                        r?.Dispose();
                    }
                }
            }
        }
    }

    private static bool IsSound(byte[] block, BlockCodec codec)
    {
        if (!BlockHeader.TryRead(block, out var h, out _))
        {
            return false;
        }

        // Encrypted blocks carry no CRC; the engine's tag check has judged them already.
        return (h.Flags & BlockFlags.Encrypted) != 0 || codec.TryOpen(block, out _, out _);
    }

    public ITapeFileWriter AppendFile(bool nextMedium)
    {
        var tolerated = Mode == RedundancyMode.Parity ? 1 : members.Length - 1;
        if (members.Count(m => m is null) > tolerated)
        {
            throw new DriveException($"{Id}: cannot write with {members.Count(m => m is null)} members missing");
        }

        TapeFileAddress address;
        lock (gate)
        {
            var last = files.Keys.OrderBy(a => a.Medium).ThenBy(a => a.File).LastOrDefault();
            address = files.Count == 0 ? new TapeFileAddress(1, 1)
                : nextMedium ? new TapeFileAddress(last.Medium + 1, 1)
                : new TapeFileAddress(last.Medium, last.File + 1);
            files[address] = [];
        }

        return new RedundantFileWriter(this, address, members, nextMedium);
    }

    internal void AddRun(TapeFileAddress address, MemberSubFile run)
    {
        lock (gate)
        {
            files[address].Add(run);
        }
    }

    public ITapeFileReader OpenFile(TapeFileAddress address)
    {
        List<MemberSubFile> runs;
        lock (gate)
        {
            if (!files.TryGetValue(address, out var r))
            {
                throw new DriveException($"{Id}: no tape file at {address}");
            }

            runs = [.. r];
        }

        return new RedundantFileReader(this, address, runs);
    }

    public void Dispose()
    {
        foreach (var m in members)
        {
            m?.Dispose();
        }
    }

    internal static string SetIdOf(RedundancyMode mode, IEnumerable<string> memberIds)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", memberIds)));
        return $"{mode.ToString().ToLowerInvariant()}-{Convert.ToHexStringLower(hash)[..12]}";
    }

    private static IEnumerable<StripeMemberHeader> MemberHeaders(IDrive drive)
    {
        using var codec = new BlockCodec(drive.BlockSize, null);
        var block = new byte[drive.BlockSize];
        foreach (var f in drive.ListFiles())
        {
            if (TryReadMemberHeader(drive, f.Address, codec, block) is { } h)
            {
                yield return h;
            }
        }
    }

    private static StripeMemberHeader? TryReadMemberHeader(IDrive drive, TapeFileAddress address, BlockCodec codec, byte[] block)
    {
        try
        {
            using var r = drive.OpenFile(address);
            if (!r.TryReadBlock(0, block) || !codec.TryOpen(block, out var h, out _) || h.Kind != BlockKind.StripeMember)
            {
                return null;
            }

            return SpoolJson.Deserialize<StripeMemberHeader>(block.AsSpan(BlockHeader.Size, h.PayloadLength));
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Dictionary<TapeFileAddress, List<MemberSubFile>> Scan(string setId, IDrive?[] members, int blockSize, out int memberFiles)
    {
        memberFiles = 0;
        var table = new Dictionary<TapeFileAddress, List<MemberSubFile>>();
        using var codec = new BlockCodec(blockSize, null);
        var block = new byte[blockSize];
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i] is not { } drive)
            {
                continue;
            }

            foreach (var f in drive.ListFiles())
            {
                if (TryReadMemberHeader(drive, f.Address, codec, block) is not { } h || h.SetId != setId || h.Stripe.MemberIndex != i)
                {
                    continue;
                }

                memberFiles++;
                var logical = new TapeFileAddress(h.LogicalMedium, h.LogicalFile);
                if (!table.TryGetValue(logical, out var runs))
                {
                    table[logical] = runs = [];
                }

                var run = runs.FirstOrDefault(r => r.FirstIndex == h.FirstIndex);
                if (run is null)
                {
                    run = new MemberSubFile(h.FirstIndex, members.Length);
                    runs.Add(run);
                    runs.Sort((a, b) => a.FirstIndex.CompareTo(b.FirstIndex));
                }

                run.Files[i] = f.Address;
                run.MemberBlocks[i] = f.Blocks;
                if (run.Count is null && f.Blocks >= 2)
                {
                    using var r = drive.OpenFile(f.Address);
                    if (r.TryReadBlock(f.Blocks - 1, block) && codec.TryOpen(block, out var end, out _) && end.Kind == BlockKind.StripeEnd && end.BackupId == h.BackupId)
                    {
                        run.Count = end.LogicalOffset;
                    }
                }
            }
        }

        return table;
    }

    internal static StripeMemberInfo MemberInfo(RedundancyMode mode, int width, int index, IReadOnlyList<string> names) =>
        new(mode.ToString(), width, mode == RedundancyMode.Parity ? width - 1 : 1, index, names);
}
