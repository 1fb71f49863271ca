namespace Spool.DataPath.Drives;

public sealed class DriveException : IOException
{
    public DriveException(string message)
        : base(message)
    {
    }

    public DriveException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
