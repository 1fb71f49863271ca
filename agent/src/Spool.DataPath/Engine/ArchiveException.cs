namespace Spool.DataPath;

/// <summary>A backup cannot be read at all (no usable trailer or catalog). Damage to individual files is reported, not thrown.</summary>
public sealed class ArchiveException : Exception
{
    public ArchiveException(string message)
        : base(message)
    {
    }

    public ArchiveException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
