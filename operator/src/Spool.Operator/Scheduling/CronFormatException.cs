namespace Spool.Operator.Scheduling;

/// <summary>A schedule string that is not a cron expression Spool understands; the message names the field.</summary>
public sealed class CronFormatException : FormatException
{
    public CronFormatException(string message)
        : base(message)
    {
    }

    public CronFormatException()
    {
    }

    public CronFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
