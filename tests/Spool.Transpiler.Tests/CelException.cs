namespace Spool.Transpiler.Tests;

/// <summary>A CEL evaluation error; the API server rejects the object when a rule errs.</summary>
public sealed class CelException(string message) : Exception(message);
