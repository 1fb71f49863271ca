namespace Spool.Api.Core;

public sealed record Volume
{
    public string Name { get; init; } = "";

    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; init; }

    public HostPathVolumeSource? HostPath { get; init; }

    public System.Text.Json.Nodes.JsonObject? EmptyDir { get; init; }
}
