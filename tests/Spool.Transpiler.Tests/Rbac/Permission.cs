namespace Spool.Transpiler.Tests.Rbac;

/// <summary>One RBAC grant: a verb on a resource (or subresource, as <c>pods/exec</c>) of an API group.</summary>
public sealed record Permission(string Group, string Resource, string Verb)
{
    public override string ToString() => $"{(Group.Length == 0 ? "core" : Group)}/{Resource}:{Verb}";
}
