namespace Spool.DataPath;

internal enum PipelineItemKind
{
    Data,
    Journal,
    Cut,
    End,
}

/// <summary>What flows from the tar producer to the block writer. Data buffers hold raw payload at offset 128.</summary>
internal readonly record struct PipelineItem(PipelineItemKind Kind, byte[]? Buffer, int Length, long Logical, CutMark? Cut);

/// <summary>A consistent point in the stream: everything before it is in the pipeline, in order.</summary>
internal sealed record CutMark(SourcePosition Source, long LogicalOffset, CatalogState Catalog, long SourceBytes, long Entries);
