using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>
/// Parity stripes blocks over width-1 data drives with a rotating XOR parity block (RAID-5), so any one
/// drive may be lost. Mirror writes every block to width drives.
/// </summary>
[Spool.Api.ValidationRule("self.mode != 'Parity' || (self.width >= 3 && self.width <= 9)", "Parity needs width between 3 and 9 (2 to 8 data drives plus parity)")]
[Spool.Api.ValidationRule("self.mode != 'Mirror' || (self.width >= 2 && self.width <= 4)", "Mirror needs width between 2 and 4 copies")]
public sealed record RedundancySpec
{
    /// <summary>None writes one copy; Mirror writes width copies; Parity stripes over width drives with rotating XOR parity.</summary>
    [DefaultValue(RedundancyMode.None)]
    public RedundancyMode Mode { get; init; } = RedundancyMode.None;

    /// <summary>Number of drives: data drives plus one for Parity, copies for Mirror.</summary>
    [Range(1, 9)]
    [DefaultValue(1)]
    public int Width { get; init; } = 1;

    /// <summary>When a member drive fails mid-job, claim a replacement and write to it from the next stripe on, instead of finishing degraded.</summary>
    public bool ReplaceFailedMember { get; init; }
}
