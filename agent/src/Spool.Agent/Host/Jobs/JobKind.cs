namespace Spool.Agent.Host.Jobs;

public enum JobKind
{
    Backup,
    Restore,
}
