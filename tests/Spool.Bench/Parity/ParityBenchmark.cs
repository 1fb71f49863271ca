using System.Diagnostics;
using System.Globalization;
using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.DataPath.Redundancy;

namespace Spool.Bench.Parity;

/// <summary>
/// Parity 3+1 against redundancy None on the same data (backup throughput), and restore of the parity backup with one member
/// deleted against the intact one; medians over warm runs, each timed operation after an unmeasured sync.
/// All drives are directories on the one disk here, so parity's third more bytes go through the same device: the device
/// rates printed beside the input rates show when both runs are bound by the disk, and then the ratio cannot pass
/// 1 / (bytes written with parity / bytes written without).
/// </summary>
public static class ParityBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 512;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var work = Path.Combine(Path.GetTempPath(), "spool-bench-parity-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var source = Path.Combine(work, "src");
            var bytes = MakeSource(source, megabytes);
            var none = new List<double>();
            var parity = new List<double>();
            var restore = new List<double>();
            var degraded = new List<double>();
            var noneDevice = new List<double>();
            var parityDevice = new List<double>();
            var ceiling = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                var dir = Path.Combine(work, $"run-{run}");
                var members = Enumerable.Range(0, 4).Select(i => DriveSpec.Directory(Path.Combine(dir, $"m{i}"))).ToList();
                Guid id = default;
                Task<double> Plain() => TimeAsync(() => new BackupEngine().RunAsync(Request(source, Path.Combine(dir, "plain"), null), new NullSink(), cancellationToken));
                Task<double> Striped() => TimeAsync(async () => id = (await new BackupEngine().RunAsync(Request(source, members[0].Path, new RedundancySet(RedundancyMode.Parity, members)), new NullSink(), cancellationToken)).BackupId);

                // Alternate which of the pair goes first, so that neither always runs on the other's dirty pages.
                double plain, striped;
                if (run % 2 == 0)
                {
                    plain = await Plain();
                    striped = await Striped();
                }
                else
                {
                    striped = await Striped();
                    plain = await Plain();
                }

                var plainBytes = (double)DirectoryBytes(Path.Combine(dir, "plain"));
                var stripedBytes = (double)members.Sum(m => DirectoryBytes(m.Path));
                var intact = await TimeAsync(() => Restore(members, id, Path.Combine(dir, "out"), cancellationToken));
                Directory.Delete(members[1].Path, recursive: true);
                var lost = await TimeAsync(() => Restore(members, id, Path.Combine(dir, "out-degraded"), cancellationToken));
                Directory.Delete(dir, recursive: true);
                if (run == 0)
                {
                    continue; // warm-up
                }

                none.Add(plain);
                parity.Add(striped);
                noneDevice.Add(plainBytes / plain);
                parityDevice.Add(stripedBytes / striped);
                ceiling.Add(plainBytes / stripedBytes);
                restore.Add(intact);
                degraded.Add(lost);
            }

            double Mbs(List<double> seconds) => bytes / 1e6 / Median(seconds);
            Console.WriteLine(F($"bench: backup_none_mb_s {Mbs(none):F1} MB/s"));
            Console.WriteLine(F($"bench: backup_parity_3p1_mb_s {Mbs(parity):F1} MB/s"));
            Console.WriteLine(F($"bench: backup_none_device_mb_s {Median(noneDevice) / 1e6:F1} MB/s"));
            Console.WriteLine(F($"bench: backup_parity_3p1_device_mb_s {Median(parityDevice) / 1e6:F1} MB/s"));
            Console.WriteLine(F($"bench: parity_one_disk_ceiling {Median(ceiling):F2}"));
            Console.WriteLine(F($"bench: restore_parity_mb_s {Mbs(restore):F1} MB/s"));
            Console.WriteLine(F($"bench: restore_parity_degraded_mb_s {Mbs(degraded):F1} MB/s"));
            Console.WriteLine(F($"ratio: parity_vs_none {Mbs(parity) / Mbs(none):F2}"));
            Console.WriteLine(F($"ratio: degraded_restore_vs_restore {Mbs(degraded) / Mbs(restore):F2}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static long DirectoryBytes(string path) => Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static BackupRequest Request(string source, string drive, RedundancySet? set) => new()
    {
        SourcePath = source,
        Drive = DriveSpec.Directory(drive),
        Redundancy = set,
    };

    private static async Task Restore(List<DriveSpec> members, Guid id, string target, CancellationToken ct)
    {
        var r = await new RestoreEngine().RunAsync(new RestoreRequest { Drives = members, BackupId = id, TargetPath = target }, ct);
        if (!r.Success)
        {
            throw new InvalidOperationException($"restore of {id} failed: {string.Join("; ", r.BadBlocks)}");
        }
    }

    private static long MakeSource(string root, int megabytes)
    {
        Directory.CreateDirectory(root);
        var random = new Random(7);
        var chunk = new byte[1 << 20];
        long total = 0;
        for (var f = 0; f < megabytes / 16; f++)
        {
            using var fs = new FileStream(Path.Combine(root, $"f{f:D4}.bin"), FileMode.CreateNew);
            for (var i = 0; i < 16; i++)
            {
                random.NextBytes(chunk);
                fs.Write(chunk);
                total += chunk.Length;
            }
        }

        return total;
    }

    /// <summary>Times <paramref name="action"/> after an unmeasured sync, so that it does not pay for earlier dirty pages.</summary>
    private static async Task<double> TimeAsync(Func<Task> action)
    {
        Spool.Bench.DataPath.Shell.Must("sync");
        var sw = Stopwatch.StartNew();
        await action();
        return sw.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
