using System.CommandLine;
using Spool.Operator.Commands;

var root = new RootCommand("spool-operator: places Spool backup and restore jobs on the nodes that own their volumes, arbitrates the shared drives and fences stale writers.");

// Commands of the operator host (`run`) are registered here, beside the build-time tools.
root.Add(RunCommand.Create());
root.Add(GenerateCrdsCommand.Create());
root.Add(DigestCommand.Create());

return await root.Parse(args).InvokeAsync();
