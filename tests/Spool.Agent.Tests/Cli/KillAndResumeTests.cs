using System.Security.Cryptography;
using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.Agent.Tests.Cli;

/// <summary>
/// A real <c>spool-agent backup create</c> is SIGKILLed at a random point, another process resumes from the checkpoint
/// file, and the restore must be byte-identical with at most one checkpoint interval written twice.
/// </summary>
public sealed class KillAndResumeTests
{
    private const int Block = 65536;
    private const long Interval = 256 * 1024;

    [Test]
    public async Task KilledBackupsResumeInAnotherProcessAndRestoreIdentically()
    {
        var root = Path.Combine(Path.GetTempPath(), "spool-kill-" + Guid.NewGuid().ToString("N")[..8]);
        var source = Path.Combine(root, "src");
        BuildSource(source);
        var killedMidStream = 0;
        try
        {
            for (var seed = 0; seed < 20; seed++)
            {
                var rng = new Random(seed);
                var drive = Path.Combine(root, $"drive-{seed}");
                var cpFile = Path.Combine(root, $"cp-{seed}.json");
                var args = new[] { "backup", "create", "--source", source, "--drive", drive, "--checkpoint-file", cpFile, "--checkpoint-bytes", Interval.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint-seconds", "0", "--block-size", Block.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate-limit", "4000000", "--compression", seed % 3 == 0 ? "deflate" : "none" };
                using (var first = SpoolAgentProcess.Start(args))
                {
                    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                    while (!File.Exists(cpFile) && !first.HasExited)
                    {
                        await Task.Delay(5, deadline.Token);
                    }

                    await Task.Delay(rng.Next(0, 900), deadline.Token);
                    if (!first.HasExited)
                    {
                        first.Kill(entireProcessTree: true); // SIGKILL
                        killedMidStream++;
                    }

                    await first.WaitForExitAsync(deadline.Token);
                }

                var cp = SpoolJson.Deserialize<Checkpoint>(await File.ReadAllBytesAsync(cpFile));
                ResentBytes(drive, cp).Should().BeLessThanOrEqualTo(Interval + Block, $"seed {seed}: at most one checkpoint interval is written again");

                var resumed = await SpoolAgentProcess.RunAsync([.. args.Where(a => a != "--rate-limit" && a != "4000000"), "--resume", cpFile]);
                resumed.Code.Should().Be(0, $"seed {seed}: {resumed.Stderr}");
                File.Exists(cpFile + ".tmp").Should().BeFalse($"seed {seed}: the completed backup removes the checkpoint file's scratch file");

                var target = Path.Combine(root, $"out-{seed}");
                var restored = await new RestoreEngine().RunAsync(new RestoreRequest { Drives = [DriveSpec.Directory(drive)], BackupId = cp.BackupId, TargetPath = target }, CancellationToken.None);
                restored.Success.Should().BeTrue($"seed {seed}: " + string.Join("; ", restored.Damaged.Concat(restored.Refused)));
                Digest(target).Should().Equal(Digest(source), $"seed {seed}");
                Directory.Delete(target, true);
                Directory.Delete(drive, true);
            }

            killedMidStream.Should().BeGreaterThanOrEqualTo(15, "most runs must really be killed mid-stream");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>Logical bytes of data blocks the killed writer put on the drive beyond the acknowledged checkpoint.</summary>
    private static long ResentBytes(string drivePath, Checkpoint cp)
    {
        var seg = cp.Chain[^1];
        var file = Path.Combine(drivePath, $"medium-{seg.Medium:D4}", $"file-{seg.File:D6}.tape");
        var bytes = File.ReadAllBytes(file);
        long resent = 0;
        for (long i = 1 + cp.NextSequence - seg.FirstSequence; (i + 1) * Block <= bytes.Length; i++)
        {
            var off = (int)(i * Block);
            if (bytes[off + 10] == (byte)BlockKind.Data)
            {
                resent += BitConverter.ToInt32(bytes, off + 64);
            }
        }

        return resent;
    }

    private static void BuildSource(string source)
    {
        var rng = new Random(42);
        Directory.CreateDirectory(Path.Combine(source, "many"));
        var big = new byte[2_500_000];
        rng.NextBytes(big);
        File.WriteAllBytes(Path.Combine(source, "large.bin"), big);
        for (var i = 0; i < 40; i++)
        {
            var b = new byte[rng.Next(0, 40_000)];
            rng.NextBytes(b);
            File.WriteAllBytes(Path.Combine(source, "many", $"f{i:D2}"), b);
        }

        File.WriteAllText(Path.Combine(source, "text.txt"), string.Concat(Enumerable.Repeat("checkpoint me ", 60_000)));
    }

    private static List<string> Digest(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p) + ":" + (File.Exists(p) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : "dir"))
            .Order(StringComparer.Ordinal)
            .ToList();
}
