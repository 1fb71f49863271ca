namespace Spool.DataPath.Catalog;

public enum EntryType
{
    File,
    Directory,
    Symlink,

    /// <summary>A further name of a file stored earlier in the same backup; <see cref="CatalogEntry.HardlinkGroup"/> names it.</summary>
    Hardlink,
}
