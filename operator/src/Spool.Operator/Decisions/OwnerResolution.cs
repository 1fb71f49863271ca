namespace Spool.Operator.Decisions;

/// <summary>
/// The node that owns a volume now and the evidence, or why there is none. <see cref="NeedsMounter"/> says that
/// nothing mounts the volume and nothing pins it, so a mounter pod could bring it up on a node of Spool's choice.
/// </summary>
public sealed record OwnerResolution
{
    public string? Node { get; init; }

    public string? Pod { get; init; }

    public string? PodUid { get; init; }

    public string? PersistentVolume { get; init; }

    /// <summary>RunningPod, VolumeAttachment, NodeAffinity, MounterPod or Named.</summary>
    public string? Resolution { get; init; }

    public string? WaitReason { get; init; }

    public string? WaitMessage { get; init; }

    /// <summary>The wait needs a user's action (the claim does not exist).</summary>
    public bool Stalled { get; init; }

    public bool NeedsMounter { get; init; }

    public bool Resolved => Node is not null;

    public static OwnerResolution Wait(string reason, string message, bool stalled = false, bool needsMounter = false, string? volume = null) => new()
    {
        WaitReason = reason,
        WaitMessage = message,
        Stalled = stalled,
        NeedsMounter = needsMounter,
        PersistentVolume = volume,
    };
}
