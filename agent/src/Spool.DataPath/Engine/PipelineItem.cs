namespace Spool.DataPath;

internal enum PipelineItemKind
{
    Data,
    Cut,
    End,
}

/// <summary>
/// What flows from the tar producer through the hashing stage to the block writer. Data buffers hold raw payload at
/// offset 128; <see cref="Hashes"/> says which of those bytes belong to which file's content hash (a Cut or End item may
/// carry only the ends of empty files).
/// </summary>
internal readonly record struct PipelineItem(PipelineItemKind Kind, byte[]? Buffer, int Length, long Logical, CutMark? Cut, List<HashSpan>? Hashes);

/// <summary>A consistent point in the stream: everything before it, and the first <see cref="Entries"/> catalog entries, are in the pipeline, in order.</summary>
internal sealed record CutMark(SourcePosition Source, long LogicalOffset, long SourceBytes, int Entries);
