using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;

namespace Spool.DataPath;

/// <summary>A tape file and what its segment header says (null header when the first block does not verify).</summary>
public sealed record TapeFileSummary(TapeFileAddress Address, long Blocks, long Bytes, SegmentHeaderInfo? Header, string? Error);
