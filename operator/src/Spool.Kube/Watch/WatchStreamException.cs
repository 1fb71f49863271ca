namespace Spool.Kube;

/// <summary>A watch stream that cannot be parsed; the watch is broken and must be re-established.</summary>
public sealed class WatchStreamException : Exception
{
    public WatchStreamException()
    {
    }

    public WatchStreamException(string message)
        : base(message)
    {
    }

    public WatchStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
