namespace Spool.Agent.Tests.Cli;

public sealed class CliTests
{
    [Test]
    public async Task ListVerifyRestoreAndCorruptionExitCodes()
    {
        var root = Path.Combine(Path.GetTempPath(), "spool-cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var src = Path.Combine(root, "src");
            Directory.CreateDirectory(Path.Combine(src, "d"));
            await File.WriteAllTextAsync(Path.Combine(src, "d", "a.txt"), "alpha");
            await File.WriteAllBytesAsync(Path.Combine(src, "b.bin"), Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31)).ToArray());
            var keyFile = Path.Combine(root, "key");
            await File.WriteAllTextAsync(keyFile, new string('a', 64));
            var drive = Path.Combine(root, "drive");

            var create = await SpoolAgentProcess.RunAsync("backup", "create", "--source", src, "--drive", drive, "--block-size", "65536", "--encryption-key-file", keyFile, "--compression", "brotli");
            create.Code.Should().Be(0, create.Stderr);
            var ls = await SpoolAgentProcess.RunAsync("backup", "ls", "--drive", drive);
            ls.Code.Should().Be(0);
            var id = ls.Stdout.Split('\n')[1].Split(' ')[0];
            ls.Stdout.Should().Contain("complete");
            (await SpoolAgentProcess.RunAsync("drive", "ls", "--drive", drive)).Stdout.Should().Contain("catalog").And.Contain(id);

            (await SpoolAgentProcess.RunAsync("verify", "--drive", drive, "--backup", id)).Code.Should().NotBe(0, "an encrypted backup cannot be verified without its key");
            (await SpoolAgentProcess.RunAsync("verify", "--drive", drive, "--backup", id, "--encryption-key-file", keyFile)).Code.Should().Be(0);
            var restore = await SpoolAgentProcess.RunAsync("restore", "--drive", drive, "--backup", id, "--target", Path.Combine(root, "out"), "--path", "d", "--encryption-key-file", keyFile);
            restore.Code.Should().Be(0, restore.Stderr);
            (await File.ReadAllTextAsync(Path.Combine(root, "out", "d", "a.txt"))).Should().Be("alpha");
            File.Exists(Path.Combine(root, "out", "b.bin")).Should().BeFalse();

            var data = Directory.GetFiles(drive, "*.tape", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
            var bytes = await File.ReadAllBytesAsync(data);
            bytes[65536 + 1000] ^= 0xFF;
            await File.WriteAllBytesAsync(data, bytes);
            var bad = await SpoolAgentProcess.RunAsync("restore", "--drive", drive, "--backup", id, "--target", Path.Combine(root, "out2"), "--encryption-key-file", keyFile);
            bad.Code.Should().Be(2);
            bad.Stderr.Should().Contain("damaged file");
            var badVerify = await SpoolAgentProcess.RunAsync("verify", "--drive", drive, "--encryption-key-file", keyFile);
            badVerify.Code.Should().Be(2);
            badVerify.Stderr.Should().Contain("DAMAGED");

            var missing = await SpoolAgentProcess.RunAsync("restore", "--drive", Path.Combine(root, "nope"), "--backup", id, "--target", Path.Combine(root, "out3"));
            missing.Code.Should().Be(1);
            missing.Stderr.Should().StartWith("error:");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Test]
    public async Task ACheckpointFileThatIsADirectoryIsRefusedBeforeAnythingIsWritten()
    {
        var root = Path.Combine(Path.GetTempPath(), "spool-cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var src = Path.Combine(root, "src");
            Directory.CreateDirectory(src);
            await File.WriteAllTextAsync(Path.Combine(src, "a.txt"), "alpha");
            var drive = Path.Combine(root, "drive");
            var checkpoints = Path.Combine(root, "checkpoints");
            Directory.CreateDirectory(checkpoints);

            var create = await SpoolAgentProcess.RunAsync("backup", "create", "--source", src, "--drive", drive, "--checkpoint-file", checkpoints);

            create.Code.Should().Be(1);
            create.Stderr.Should().StartWith("error:").And.Contain("is not a regular file");
            Directory.Exists(checkpoints).Should().BeTrue();
            (Directory.Exists(drive) ? Directory.GetFiles(drive, "*.tape", SearchOption.AllDirectories) : []).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
