namespace Spool.Transpiler;

/// <summary>One generated file: its name relative to the output directory, and its exact contents.</summary>
public sealed record GeneratedFile(string Name, string Content);
