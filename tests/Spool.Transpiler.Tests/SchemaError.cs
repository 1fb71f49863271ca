namespace Spool.Transpiler.Tests;

/// <summary>A field-level validation error, worded like the API server's.</summary>
public sealed record SchemaError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
