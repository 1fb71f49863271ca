namespace Spool.Kube.Events;

/// <summary>The two core/v1 Event types.</summary>
public static class EventType
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
