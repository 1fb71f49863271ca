namespace Spool.DataPath.Redundancy;

public enum MemberHealth
{
    /// <summary>Every block read from this member verified.</summary>
    Complete,

    /// <summary>The member is there, but some of its blocks were missing or corrupt and were rebuilt from the others.</summary>
    Degraded,

    /// <summary>The member's drive or a whole member tape file is missing or unreadable.</summary>
    Failed,
}
