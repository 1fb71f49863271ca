namespace Spool.Kube.Informers;

internal enum InformerNotificationKind
{
    Add,
    Update,
    Delete,
    DeleteFinalStateUnknown,
}
