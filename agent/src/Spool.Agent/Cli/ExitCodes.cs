namespace Spool.Agent.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;

    /// <summary>Corruption or refused entries: something in the backup could not be restored or verified.</summary>
    public const int Damaged = 2;

    /// <summary>A newer epoch owns the backup; this process stopped.</summary>
    public const int Fenced = 3;
}
