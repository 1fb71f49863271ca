using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Spool.Kube;

namespace Spool.Agent.Host.Hooks;

/// <summary>
/// pods/exec over WebSocket with the <c>v5.channel.k8s.io</c> subprotocol (falling back to v4): every binary message
/// starts with a channel byte — 1 stdout, 2 stderr, 3 the final metav1.Status — and the exit code is the
/// <c>ExitCode</c> cause of a <c>NonZeroExitCode</c> failure.
/// </summary>
public sealed class WebSocketPodExec(KubernetesClientConfiguration configuration) : IPodExec
{
    public const string ProtocolV5 = "v5.channel.k8s.io";
    public const string ProtocolV4 = "v4.channel.k8s.io";
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;

    public async Task<ExecResult> ExecAsync(string @namespace, string pod, string container, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var uri = BuildUri(configuration.Server, @namespace, pod, container, command);
        using var invoker = new HttpMessageInvoker(KubernetesClient.CreateHandler(configuration), disposeHandler: true);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(ProtocolV5);
        socket.Options.AddSubProtocol(ProtocolV4);
        socket.Options.SetRequestHeader("User-Agent", configuration.UserAgent);
        if (configuration.Credentials is { } credentials)
        {
            var credential = await credentials.GetCredentialAsync(false, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(credential.Token))
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + credential.Token);
            }
        }

        await socket.ConnectAsync(uri, invoker, cancellationToken).ConfigureAwait(false);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var error = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            message.SetLength(0);
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var bytes = message.GetBuffer().AsSpan(0, (int)message.Length);
            if (bytes.Length == 0)
            {
                continue;
            }

            var target = bytes[0] switch
            {
                StdoutChannel => stdout,
                StderrChannel => stderr,
                ErrorChannel => error,
                _ => null,
            };
            target?.Write(bytes[1..]);
        }

        if (socket.State is WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
        }

        return new ExecResult(ExitCode(Encoding.UTF8.GetString(error.ToArray())), Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public static Uri BuildUri(Uri server, string @namespace, string pod, string container, IReadOnlyList<string> command)
    {
        var builder = new StringBuilder();
        builder.Append(server.AbsoluteUri.TrimEnd('/'))
            .Append("/api/v1/namespaces/").Append(Uri.EscapeDataString(@namespace))
            .Append("/pods/").Append(Uri.EscapeDataString(pod))
            .Append("/exec?container=").Append(Uri.EscapeDataString(container))
            .Append("&stdout=true&stderr=true&stdin=false&tty=false");
        foreach (var part in command)
        {
            builder.Append("&command=").Append(Uri.EscapeDataString(part));
        }

        var http = new UriBuilder(builder.ToString());
        http.Scheme = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return http.Uri;
    }

    /// <summary>The exit code carried by the status channel; an empty channel (older servers) means success.</summary>
    public static int ExitCode(string statusJson)
    {
        if (string.IsNullOrWhiteSpace(statusJson))
        {
            return 0;
        }

        using var document = JsonDocument.Parse(statusJson);
        var root = document.RootElement;
        var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
        if (string.Equals(status, "Success", StringComparison.Ordinal))
        {
            return 0;
        }

        var reason = root.TryGetProperty("reason", out var r) ? r.GetString() : null;
        if (string.Equals(reason, "NonZeroExitCode", StringComparison.Ordinal)
            && root.TryGetProperty("details", out var details)
            && details.TryGetProperty("causes", out var causes)
            && causes.ValueKind == JsonValueKind.Array)
        {
            foreach (var cause in causes.EnumerateArray())
            {
                if (cause.TryGetProperty("reason", out var causeReason) && causeReason.GetString() == "ExitCode"
                    && cause.TryGetProperty("message", out var text)
                    && int.TryParse(text.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                {
                    return code;
                }
            }
        }

        var message = root.TryGetProperty("message", out var m) ? m.GetString() : statusJson;
        throw new PodExecException($"exec failed: {message}");
    }
}
