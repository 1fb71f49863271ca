using System.CommandLine;
using Spool.DataPath;

namespace Spool.Agent.Cli;

/// <summary><c>restore</c>: a whole backup or selected paths into a directory.</summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var drive = CliOptions.Drives("Drive(s) holding the backup (and its incremental bases).");
        var backup = new Option<string>("--backup") { Description = "Backup id.", Required = true };
        var target = new Option<string>("--target") { Description = "Directory to restore into.", Required = true };
        var paths = new Option<string[]>("--path") { Description = "Archive path to restore (repeatable; default everything).", Arity = ArgumentArity.ZeroOrMore };
        var allowPartial = new Option<bool>("--allow-partial") { Description = "Restore undamaged files even when others are damaged." };
        var keyFile = CliOptions.KeyFile();
        var keyId = CliOptions.KeyId();
        var cmd = new Command("restore", "Restore a backup into a directory, verifying every block and file hash");
        foreach (var o in new Option[] { drive, backup, target, paths, allowPartial, keyFile, keyId })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction((parse, ct) => CliOptions.Guard(async () =>
        {
            var request = new RestoreRequest
            {
                Drives = parse.GetRequiredValue(drive).Select(d => CliOptions.Spec(d)).ToList(),
                BackupId = CliOptions.ParseBackupId(parse.GetRequiredValue(backup)),
                TargetPath = parse.GetRequiredValue(target),
                Paths = parse.GetValue(paths) ?? [],
                AllowPartial = parse.GetValue(allowPartial),
                Encryption = CliOptions.LoadKey(parse.GetValue(keyFile), parse.GetValue(keyId)),
            };
            var r = await new RestoreEngine().RunAsync(request, ct).ConfigureAwait(false);
            foreach (var m in r.Members.Where(m => m.Health != Spool.DataPath.Redundancy.MemberHealth.Complete))
            {
                await Console.Error.WriteLineAsync($"DEGRADED: {m}").ConfigureAwait(false);
            }

            foreach (var b in r.BadBlocks)
            {
                await Console.Error.WriteLineAsync($"bad block: {b}").ConfigureAwait(false);
            }

            foreach (var d in r.Damaged)
            {
                await Console.Error.WriteLineAsync($"damaged file (not restored): {d.Path}: {d.Reason}").ConfigureAwait(false);
            }

            foreach (var d in r.Refused)
            {
                await Console.Error.WriteLineAsync($"refused: {d.Path}: {d.Reason}").ConfigureAwait(false);
            }

            if (!r.Success)
            {
                var tail = r.StoppedWriting ? "; stopped writing at the first damage (use --allow-partial to restore the rest)" : string.Empty;
                await Console.Error.WriteLineAsync($"error: restore of {r.BackupId} incomplete: {r.Damaged.Count} damaged, {r.Refused.Count} refused{tail}").ConfigureAwait(false);
                return ExitCodes.Damaged;
            }

            Console.WriteLine($"restored {r.BackupId}: {r.Entries} entries, {r.Files} files, {r.Bytes} bytes");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
