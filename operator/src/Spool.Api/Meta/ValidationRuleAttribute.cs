namespace Spool.Api;

/// <summary>A CEL cross-field rule, emitted as <c>x-kubernetes-validations</c> on the annotated type's schema.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class ValidationRuleAttribute : Attribute
{
    public ValidationRuleAttribute(string rule, string message)
    {
        Rule = rule;
        Message = message;
    }

    public string Rule { get; }

    public string Message { get; }
}
