namespace Spool.Agent.Host.Jobs;

public enum WriteOutcome
{
    Written,
    Fenced,
}
