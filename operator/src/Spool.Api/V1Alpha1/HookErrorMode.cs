namespace Spool.Api.V1Alpha1;

public enum HookErrorMode
{
    Fail,
    Continue,
}
