using System.CommandLine;
using Spool.Agent.Cli;

var root = new RootCommand("Spool agent: streams volumes to tape and virtual-tape drives, and the no-cluster disaster-recovery CLI");
root.Subcommands.Add(DriveCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
root.Subcommands.Add(Spool.Agent.Host.RunCommand.Create());
return await root.Parse(args).InvokeAsync();
