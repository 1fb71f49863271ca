using System.CommandLine;

namespace Spool.DevCluster.Commands;

public static class CommonOptions
{
    public static Option<string> Directory() =>
        new("--dir") { Description = "Directory of the cluster's state, kubeconfig, nodes, storage, drives and logs", DefaultValueFactory = _ => ".spool" };
}
