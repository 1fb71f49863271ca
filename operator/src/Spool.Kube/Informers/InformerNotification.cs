namespace Spool.Kube.Informers;

internal sealed record InformerNotification<T>(InformerNotificationKind Kind, T? Old, T? New, DeletedFinalStateUnknown<T>? Tombstone = null);
