using Spool.DevCluster.Processes;

namespace Spool.DevCluster.Nodes;

/// <summary>One simulated machine: a kubelet root, a heartbeat, and an agent process.</summary>
public sealed class SimulatedNode
{
    private readonly object gate = new();
    private NodeState state = NodeState.Running;
    private ManagedProcess? agent;
    private int agentStarts;

    public SimulatedNode(string name, string kubeletRoot)
    {
        Name = name;
        KubeletRoot = kubeletRoot;
    }

    public string Name { get; }

    public string KubeletRoot { get; }

    public NodeState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }

        set
        {
            lock (gate)
            {
                state = value;
            }
        }
    }

    /// <summary>The kubelet is alive: the node heartbeats and its pods run.</summary>
    public bool Alive => State == NodeState.Running;

    public ManagedProcess? Agent
    {
        get
        {
            lock (gate)
            {
                return agent;
            }
        }

        set
        {
            lock (gate)
            {
                agent = value;
                if (value is not null)
                {
                    agentStarts++;
                }
            }
        }
    }

    /// <summary>How many times an agent process was started on this node.</summary>
    public int AgentStarts
    {
        get
        {
            lock (gate)
            {
                return agentStarts;
            }
        }
    }

    /// <summary>When the last heartbeat reached the API server.</summary>
    public DateTimeOffset? LastHeartbeat { get; set; }
}
