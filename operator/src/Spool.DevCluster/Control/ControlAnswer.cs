namespace Spool.DevCluster.Control;

/// <summary>Answer of the control endpoint.</summary>
public sealed record ControlAnswer(bool Ok, string Message);
