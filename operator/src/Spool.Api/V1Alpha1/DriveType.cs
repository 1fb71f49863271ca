namespace Spool.Api.V1Alpha1;

public enum DriveType
{
    Directory,
    Tape,
}
