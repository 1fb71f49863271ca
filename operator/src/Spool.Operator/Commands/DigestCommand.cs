using System.CommandLine;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Operator.Digest;

namespace Spool.Operator.Commands;

/// <summary><c>digest</c>: each backed-up workload's node, state and last successful backup, read from the API server.</summary>
public static class DigestCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file; in-cluster config or KUBECONFIG / ~/.kube/config when empty" };
        var context = new Option<string?>("--context") { Description = "Kubeconfig context" };
        var ns = new Option<string>("--namespace", "-n") { Description = "Namespace of the BackupJobs", DefaultValueFactory = _ => "default" };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "BackupJobs of every namespace" };
        var run = new Option<string?>("--run") { Description = "Only the volumes of this federated BackupJob" };
        var output = new Option<string>("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");

        var command = new Command("digest", "Show each backed-up workload's node, state (Running, NotRunning, Missing) and last successful backup")
        {
            kubeconfig, context, ns, all, run, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            KubernetesClientConfiguration configuration;
            try
            {
                configuration = parse.GetValue(kubeconfig) is { } path
                    ? KubernetesClientConfiguration.FromKubeconfig(path, parse.GetValue(context))
                    : KubernetesClientConfiguration.FromDefault(parse.GetValue(context));
            }
            catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"cannot load the cluster configuration: {e.Message}");
                return 3;
            }

            using var client = new KubernetesClient(configuration);
            try
            {
                await WriteAsync(client, parse.GetValue(all) ? null : parse.GetRequiredValue(ns), parse.GetValue(run), parse.GetRequiredValue(output), Console.Out, cancellationToken);
                return 0;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Reads BackupJobs, claims and pods of <paramref name="namespace"/> (all when null) and writes the digest.</summary>
    public static async Task WriteAsync(IKubernetesClient client, string? @namespace, string? run, string output, TextWriter writer, CancellationToken cancellationToken)
    {
        var backups = (await client.ListAllAsync<BackupJob>(@namespace, cancellationToken: cancellationToken)).Items;

        // A federated run's volumes may live in other namespaces (allNamespaces); read those too.
        var namespaces = @namespace is null ? null
            : backups.SelectMany(b => b.Status?.Volumes ?? []).Select(v => v.Namespace).Append(@namespace).ToHashSet(StringComparer.Ordinal);
        var claims = new List<PersistentVolumeClaim>();
        var pods = new List<Pod>();
        foreach (var scope in namespaces?.Order(StringComparer.Ordinal).Cast<string?>() ?? [null])
        {
            claims.AddRange((await client.ListAllAsync<PersistentVolumeClaim>(scope, cancellationToken: cancellationToken)).Items);
            pods.AddRange((await client.ListAllAsync<Pod>(scope, cancellationToken: cancellationToken)).Items);
        }

        var rows = WorkloadDigest.Build(backups, claims, pods, run, @namespace);
        await writer.WriteAsync(output == "json" ? KubeJson.Serialize(rows) + Environment.NewLine : WorkloadDigest.Format(rows));
    }
}
