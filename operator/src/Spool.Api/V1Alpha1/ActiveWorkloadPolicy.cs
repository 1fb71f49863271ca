namespace Spool.Api.V1Alpha1;

public enum ActiveWorkloadPolicy
{
    Wait,
    Refuse,
}
