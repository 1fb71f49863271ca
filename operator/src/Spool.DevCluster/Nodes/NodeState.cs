namespace Spool.DevCluster.Nodes;

/// <summary>What a fault did to a simulated node.</summary>
public enum NodeState
{
    /// <summary>Heartbeats flow and the agent runs (and is restarted when it crashes).</summary>
    Running,

    /// <summary>The agent was killed with -9 and heartbeats stopped: the machine is gone.</summary>
    Killed,

    /// <summary>The agent is SIGSTOPped and heartbeats stopped: the machine hangs, and may come back.</summary>
    Paused,
}
