using System.Diagnostics;
using System.Text.Json.Nodes;
using Spool.Api.Core;
using Spool.ApiServer;
using Spool.Kube;

namespace Spool.DevCluster.Nodes;

/// <summary>
/// pods/exec as a local process "on" the pod's simulated node: the working directory is the pod's first volume mount
/// under that node's kubelet root, and POD_NAME, POD_NAMESPACE, NODE_NAME and VOLUME_DIR are set. A dead or paused node
/// cannot run anything, like a real unreachable kubelet.
/// </summary>
public sealed class LocalPodExecHandler : IPodExecHandler
{
    private readonly Func<IReadOnlyDictionary<string, SimulatedNode>> nodes;
    private readonly Func<IKubernetesClient?> client;
    private readonly StorageLayout layout;
    private readonly TimeProvider timeProvider;

    public LocalPodExecHandler(Func<IReadOnlyDictionary<string, SimulatedNode>> nodes, Func<IKubernetesClient?> client, StorageLayout layout, TimeProvider timeProvider)
    {
        this.nodes = nodes;
        this.client = client;
        this.layout = layout;
        this.timeProvider = timeProvider;
    }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    public async Task<PodExecResult> ExecAsync(PodExecRequest request, CancellationToken cancellationToken)
    {
        if (request.Command.Count == 0)
        {
            return new PodExecResult(1, "", "no command given");
        }

        var spec = request.Pod["spec"] as JsonObject;
        var nodeName = spec?["nodeName"]?.GetValue<string>();
        var uid = request.Pod["metadata"]?["uid"]?.GetValue<string>();
        if (nodeName is null || uid is null || !nodes().TryGetValue(nodeName, out var node))
        {
            return new PodExecResult(1, "", $"pod {request.Namespace}/{request.PodName} is not running on a simulated node");
        }

        if (!node.Alive)
        {
            return new PodExecResult(1, "", $"node {nodeName} is {node.State}: the kubelet does not answer");
        }

        var workingDirectory = await VolumeMountAsync(request, spec, nodeName, uid, cancellationToken) ?? layout.PodDirectory(nodeName, uid);
        Directory.CreateDirectory(workingDirectory);
        var info = new ProcessStartInfo(request.Command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in request.Command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["POD_NAME"] = request.PodName;
        info.Environment["POD_NAMESPACE"] = request.Namespace;
        info.Environment["NODE_NAME"] = nodeName;
        info.Environment["VOLUME_DIR"] = workingDirectory;
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new PodExecResult(127, "", $"exec {request.Command[0]}: {ex.Message}");
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (request.Stdin is not null)
        {
            await process.StandardInput.WriteAsync(request.Stdin.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new PodExecResult(137, await stdout, "command timed out or was cancelled");
        }

        return new PodExecResult(process.ExitCode, await stdout, await stderr);
    }

    private async Task<string?> VolumeMountAsync(PodExecRequest request, JsonObject? spec, string nodeName, string uid, CancellationToken cancellationToken)
    {
        var claimName = (spec?["volumes"] as JsonArray)?
            .Select(v => v?["persistentVolumeClaim"]?["claimName"]?.GetValue<string>())
            .FirstOrDefault(c => c is not null);
        if (claimName is null || client() is not { } kube)
        {
            return null;
        }

        var claim = await kube.GetAsync<PersistentVolumeClaim>(claimName, request.Namespace, cancellationToken);
        return claim?.Spec.VolumeName is { } volume ? layout.PodVolumeMount(nodeName, uid, volume) : null;
    }
}
