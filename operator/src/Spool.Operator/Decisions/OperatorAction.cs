namespace Spool.Operator.Decisions;

/// <summary>One step a decider asks the shell to take. Steps run in order; the first failure ends the decision.</summary>
public abstract record OperatorAction
{
    /// <summary>True for writes to objects that deciders read; false for events, metrics and scheduling hints.</summary>
    public virtual bool ChangesState => true;
}
