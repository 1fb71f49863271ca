namespace Spool.ApiServer;

/// <summary>A Table column: CRD additionalPrinterColumns or a built-in well-known column.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", string Format = "", int Priority = 0);
