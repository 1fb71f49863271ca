using System.Globalization;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Logging;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;

namespace Spool.Agent.Host.Hooks;

/// <summary>Runs pre/post hooks in the workload's container; onError Continue turns a failure into a warning.</summary>
public sealed class HookRunner(IKubernetesClient client, IPodExec exec, TimeProvider time, AgentLog log)
{
    /// <returns>Warnings for hooks that failed with onError Continue.</returns>
    /// <exception cref="AgentFailureException">A hook with onError Fail failed.</exception>
    public async Task<IReadOnlyList<string>> RunAsync(string phase, IReadOnlyList<ExecHook>? hooks, string @namespace, string? podName, CancellationToken cancellationToken)
    {
        if (hooks is null || hooks.Count == 0)
        {
            return [];
        }

        var warnings = new List<string>();
        Pod? pod = null;
        if (podName is not null)
        {
            pod = await client.GetAsync<Pod>(podName, @namespace, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < hooks.Count; i++)
        {
            var hook = hooks[i];
            var failure = await RunOneAsync(hook, @namespace, podName, pod, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                log.Info("Hook succeeded", "phase", phase, "index", i, "pod", $"{@namespace}/{podName}", "command", hook.Command);
                continue;
            }

            var text = string.Create(CultureInfo.InvariantCulture, $"{phase} hook {i} ({string.Join(' ', hook.Command)}): {failure}");
            if (hook.OnError == HookErrorMode.Continue)
            {
                log.Warning("Hook failed, continuing", "phase", phase, "index", i, "pod", $"{@namespace}/{podName}", "error", failure);
                warnings.Add(text);
                continue;
            }

            log.Warning("Hook failed", "phase", phase, "index", i, "pod", $"{@namespace}/{podName}", "error", failure);
            throw new AgentFailureException(ReportReasons.HookFailed, text);
        }

        return warnings;
    }

    private async Task<string?> RunOneAsync(ExecHook hook, string @namespace, string? podName, Pod? pod, CancellationToken cancellationToken)
    {
        if (podName is null || pod is null)
        {
            return "no workload pod to run the hook in";
        }

        var container = hook.Container ?? pod.Spec.Containers.FirstOrDefault()?.Name;
        if (container is null)
        {
            return "the pod has no container";
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(hook.TimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var result = await exec.ExecAsync(@namespace, podName, container, hook.Command, linked.Token).ConfigureAwait(false);
            return result.ExitCode == 0
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"exit code {result.ExitCode}: {Tail(result.Stderr.Length > 0 ? result.Stderr : result.Stdout)}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"timed out after {hook.TimeoutSeconds}s");
        }
        catch (Exception error) when (error is PodExecException or System.Net.WebSockets.WebSocketException or HttpRequestException or KubernetesApiException)
        {
            return error.Message;
        }
    }

    private static string Tail(string text)
    {
        text = text.Trim();
        return text.Length <= 200 ? text : text[^200..];
    }
}
