namespace Spool.Transpiler.Tests.Rbac;

/// <summary>A permission the code needs, and the method whose IL makes the call.</summary>
public sealed record ApiCall(Permission Permission, string Site)
{
    public override string ToString() => $"{Permission} (from {Site})";
}
