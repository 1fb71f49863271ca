namespace Spool.DataPath.Catalog;

public enum SegmentRole
{
    Data,
    Catalog,
}
