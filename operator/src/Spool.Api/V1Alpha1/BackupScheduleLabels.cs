namespace Spool.Api.V1Alpha1;

/// <summary>Labels and annotations that tie schedules, their jobs and the catalog together.</summary>
public static class BackupScheduleLabels
{
    /// <summary>Label on every BackupJob a schedule creates, naming the schedule.</summary>
    public const string Schedule = "spool.dev/schedule";

    /// <summary>Annotation on a scheduled job: its run number (1-based).</summary>
    public const string Run = "spool.dev/run";

    /// <summary>Annotation on a scheduled job: the fire time it was created for (RFC 3339).</summary>
    public const string ScheduledTime = "spool.dev/scheduled-time";

    /// <summary>Label on catalog ConfigMaps.</summary>
    public const string Catalog = "spool.dev/catalog";

    /// <summary>Label on a catalog ConfigMap naming its drive.</summary>
    public const string Drive = "spool.dev/drive";
}
