namespace Spool.Api.V1Alpha1;

public enum BackupMode
{
    Full,
    Incremental,
}
