using System.CommandLine;
using System.Globalization;
using Spool.DataPath;

namespace Spool.Agent.Cli;

/// <summary><c>drive ls</c>: the tape files on a drive and what each holds.</summary>
internal static class DriveCommand
{
    public static Command Create()
    {
        var drive = new Option<string>("--drive") { Description = "Drive path (directory drive or /dev/nstN).", Required = true };
        var ls = new Command("ls", "List the tape files on a drive");
        ls.Options.Add(drive);
        ls.SetAction((parse, ct) => CliOptions.Guard(() =>
        {
            var files = DriveCatalog.ListFiles(CliOptions.Spec(parse.GetRequiredValue(drive)));
            Console.WriteLine("MEDIUM  FILE    BLOCKS      BYTES  ROLE     SEGMENT  EPOCH  BACKUP");
            foreach (var f in files)
            {
                var h = f.Header;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{f.Address.Medium,6}  {f.Address.File,4}  {f.Blocks,8}  {f.Bytes,9}  {(h is null ? "?" : h.Role.ToString().ToLowerInvariant()),-7}  {h?.Segment,7}  {h?.Epoch,5}  {(h is null ? "unreadable: " + f.Error : h.BackupId.ToString())}"));
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        var cmd = new Command("drive", "Inspect drives");
        cmd.Subcommands.Add(ls);
        return cmd;
    }
}
