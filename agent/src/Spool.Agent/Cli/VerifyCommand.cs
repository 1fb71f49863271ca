using System.CommandLine;
using Spool.DataPath;

namespace Spool.Agent.Cli;

/// <summary><c>verify</c>: every block and every content hash, without restoring.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var drive = CliOptions.Drives("Drive(s) holding the backup.");
        var backup = new Option<string?>("--backup") { Description = "Backup id (default: every backup on the drives)." };
        var keyFile = CliOptions.KeyFile();
        var keyId = CliOptions.KeyId();
        var cmd = new Command("verify", "Verify backups block by block and file by file");
        cmd.Options.Add(drive);
        cmd.Options.Add(backup);
        cmd.Options.Add(keyFile);
        cmd.Options.Add(keyId);
        cmd.SetAction((parse, ct) => CliOptions.Guard(async () =>
        {
            var request = new VerifyRequest
            {
                Drives = parse.GetRequiredValue(drive).Select(d => CliOptions.Spec(d)).ToList(),
                BackupId = parse.GetValue(backup) is { } b ? CliOptions.ParseBackupId(b) : null,
                Encryption = CliOptions.LoadKey(parse.GetValue(keyFile), parse.GetValue(keyId)),
            };
            var results = await new VerifyEngine().RunAsync(request, ct).ConfigureAwait(false);
            var code = ExitCodes.Ok;
            foreach (var r in results)
            {
                foreach (var m in r.Members)
                {
                    Console.WriteLine($"backup {r.BackupId}: {m}");
                }

                if (r.Ok)
                {
                    Console.WriteLine($"backup {r.BackupId}: {(r.Degraded ? "ok, DEGRADED" : "ok")} ({r.BlocksChecked} blocks, {r.Entries} entries)");
                    continue;
                }

                code = ExitCodes.Damaged;
                await Console.Error.WriteLineAsync($"backup {r.BackupId}: DAMAGED").ConfigureAwait(false);
                if (r.Error is not null)
                {
                    await Console.Error.WriteLineAsync($"  error: {r.Error}").ConfigureAwait(false);
                }

                foreach (var bad in r.BadBlocks)
                {
                    await Console.Error.WriteLineAsync($"  bad block: {bad}").ConfigureAwait(false);
                }

                foreach (var d in r.Damaged)
                {
                    await Console.Error.WriteLineAsync($"  damaged file: {d.Path}: {d.Reason}").ConfigureAwait(false);
                }
            }

            if (results.Count == 0)
            {
                await Console.Error.WriteLineAsync("error: no backups found").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            return code;
        }));
        return cmd;
    }
}
