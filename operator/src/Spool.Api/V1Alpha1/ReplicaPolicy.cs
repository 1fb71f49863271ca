namespace Spool.Api.V1Alpha1;

public enum ReplicaPolicy
{
    PreferSecondary,
    SecondaryOnly,
    PrimaryOnly,
    PreferPrimary,
}
