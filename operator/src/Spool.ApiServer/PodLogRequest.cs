using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>A pods/log call.</summary>
public sealed record PodLogRequest(string Namespace, string PodName, string? Container, int? TailLines, JsonObject Pod);
