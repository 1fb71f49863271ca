using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// The drives a job may use, in preference order, and how many members it needs at once (1 for a plain stream,
/// the width for Mirror or Parity). A non-null <paramref name="Problem"/> is bad input: the reason and message.
/// </summary>
public sealed record DriveDemand(IReadOnlyList<string> Candidates, int Count, string Description, (string Reason, string Message)? Problem = null)
{
    /// <summary>Mirror or Parity: the job writes a member set of <see cref="Count"/> drives, and may lose members mid-job.</summary>
    public RedundancyMode Mode { get; init; } = RedundancyMode.None;

    /// <summary>A lost member is replaced by a new drive from the next stripe on, when one is free; otherwise the job continues degraded.</summary>
    public bool ReplaceFailedMember { get; init; }

    /// <summary>Members that may be missing at once while every stripe stays readable: 1 for Parity, width-1 for Mirror.</summary>
    public int Tolerated => Mode switch
    {
        RedundancyMode.Parity => 1,
        RedundancyMode.Mirror => Count - 1,
        _ => 0,
    };
}
