namespace Spool.ApiServer;

public enum MutationKind
{
    None,
    Put,
    Delete,
}
