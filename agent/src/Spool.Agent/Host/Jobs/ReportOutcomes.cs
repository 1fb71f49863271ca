namespace Spool.Agent.Host.Jobs;

public static class ReportOutcomes
{
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string HandedBack = "HandedBack";
}
