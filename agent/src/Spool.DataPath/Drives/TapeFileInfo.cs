namespace Spool.DataPath.Drives;

/// <summary>A tape file as the drive sees it. <see cref="Blocks"/> is -1 when the drive cannot tell without reading (tape).</summary>
public sealed record TapeFileInfo(TapeFileAddress Address, long Blocks, long Bytes, bool PartialTailBlock);
