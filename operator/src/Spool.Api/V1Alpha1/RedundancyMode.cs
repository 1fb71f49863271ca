namespace Spool.Api.V1Alpha1;

public enum RedundancyMode
{
    None,
    Mirror,
    Parity,
}
