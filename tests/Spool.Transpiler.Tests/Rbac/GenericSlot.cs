namespace Spool.Transpiler.Tests.Rbac;

/// <summary>The i-th generic parameter of a type or method definition, across all its instantiations.</summary>
public sealed record GenericSlot(Guid Module, int Token, bool OfMethod, int Position)
{
    public static GenericSlot Of(Type parameter) =>
        parameter.DeclaringMethod is { } method
            ? new GenericSlot(method.Module.ModuleVersionId, method.MetadataToken, true, parameter.GenericParameterPosition)
            : new GenericSlot(parameter.DeclaringType!.Module.ModuleVersionId, parameter.DeclaringType.MetadataToken, false, parameter.GenericParameterPosition);
}
