using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>A pods/exec call: the pod object as stored, the container and the command.</summary>
public sealed record PodExecRequest(string Namespace, string PodName, string? Container, IReadOnlyList<string> Command, JsonObject Pod, string? Stdin);
