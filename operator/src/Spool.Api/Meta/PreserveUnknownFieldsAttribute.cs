namespace Spool.Api;

/// <summary>Marks a free-form object: the schema keeps fields it does not declare.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;
