using System.CommandLine;
using Spool.DevCluster.Commands;

var root = new RootCommand("spool-dev: the embedded multi-node Spool cluster, its fault commands, the demo and the chaos soak");
root.Add(UpCommand.Create());
root.Add(FaultCommand.Create());
root.Add(FaultCommand.CreateStatus());
root.Add(DemoCommand.Create());
root.Add(ChaosCommand.Create());
return await root.Parse(args).InvokeAsync();
