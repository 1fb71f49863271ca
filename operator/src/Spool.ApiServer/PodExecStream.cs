using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Spool.ApiServer;

/// <summary>
/// pods/exec over the WebSocket remote-command protocol (v5/v4.channel.k8s.io) that kubectl uses: collects stdin,
/// runs the registered handler, then sends stdout, stderr and the final Status on channel 3. A plain (non-upgrade)
/// request gets the result as JSON, which is what tests use.
/// </summary>
public static class PodExecStream
{
    private static readonly string[] Protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    public static async Task RunAsync(HttpContext context, IPodExecHandler handler, StoredObject pod, string ns, string name)
    {
        var q = context.Request.Query;
        var command = q["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (command.Count == 0)
        {
            throw StatusFactory.BadRequest("you must specify at least 1 command");
        }

        var container = q["container"].ToString();
        var wantsStdin = q["stdin"].ToString() is "true" or "1";
        var ct = context.RequestAborted;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            string? stdin = null;
            if (wantsStdin)
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                stdin = await reader.ReadToEndAsync(ct);
            }

            var plain = await handler.ExecAsync(new PodExecRequest(ns, name, container.Length > 0 ? container : null, command, pod.ToJsonObject(), stdin), ct);
            var body = new JsonObject { ["exitCode"] = plain.ExitCode, ["stdout"] = plain.Stdout, ["stderr"] = plain.Stderr };
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body.ToJsonString(JsonDefaults.Options), ct);
            return;
        }

        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = Protocols.FirstOrDefault(requested.Contains);
        if (protocol is null)
        {
            throw StatusFactory.BadRequest("unsupported remote command protocol; supported: " + string.Join(", ", Protocols));
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        var input = new StringBuilder();
        if (wantsStdin)
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var bytes = message.ToArray();
                message.SetLength(0);
                if (bytes.Length == 0)
                {
                    continue;
                }

                if (bytes[0] == 255 && bytes.Length >= 2 && bytes[1] == 0)
                {
                    break;
                }

                if (bytes[0] == 0)
                {
                    input.Append(Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1));
                }
            }
        }

        var outcome = await handler.ExecAsync(new PodExecRequest(ns, name, container.Length > 0 ? container : null, command, pod.ToJsonObject(), wantsStdin ? input.ToString() : null), ct);
        await SendAsync(socket, 1, Encoding.UTF8.GetBytes(outcome.Stdout), ct);
        await SendAsync(socket, 2, Encoding.UTF8.GetBytes(outcome.Stderr), ct);
        var status = outcome.ExitCode == 0
            ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
            : new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(" ", command)}], exit code {outcome.ExitCode}",
                ["reason"] = "NonZeroExitCode",
                ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = outcome.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }) },
            };
        await SendAsync(socket, 3, JsonSerializer.SerializeToUtf8Bytes(status, JsonDefaults.Options), ct);
        if (socket.State == WebSocketState.Open)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty, ct);
        }
    }

    private static async Task SendAsync(WebSocket socket, byte channel, byte[] data, CancellationToken ct)
    {
        if (data.Length == 0 && channel != 3)
        {
            return;
        }

        var frame = new byte[data.Length + 1];
        frame[0] = channel;
        data.CopyTo(frame, 1);
        await socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct);
    }
}
