using Spool.Agent.Host.Hooks;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Metrics;
using Spool.Agent.Host.Streaming;
using Spool.Kube;

namespace Spool.Agent.Host;

/// <summary>What every part of the agent shares.</summary>
public sealed record AgentContext(
    IKubernetesClient Client,
    AgentOptions Options,
    TimeProvider Time,
    AgentLog Log,
    IDataPathEngine Engine,
    IPodExec Exec,
    AgentMetrics Metrics);
