namespace Spool.Api;

/// <summary>An additionalPrinterColumn of the generated CRD.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PrinterColumnAttribute : Attribute
{
    public PrinterColumnAttribute(string name, string type, string jsonPath)
    {
        Name = name;
        Type = type;
        JsonPath = jsonPath;
    }

    public string Name { get; }

    /// <summary>OpenAPI type of the column: string, integer, number, boolean or date.</summary>
    public string Type { get; }

    public string JsonPath { get; }

    public string? Description { get; init; }

    /// <summary>0 shows in the default table; higher values only with <c>-o wide</c>.</summary>
    public int Priority { get; init; }

    /// <summary>Order among the columns of the type; lower first.</summary>
    public int Order { get; init; }
}
