namespace Spool.Kube.Informers;

/// <summary>
/// An object that vanished while the watch was down: the relist no longer shows it, so the delete itself was never
/// seen. <see cref="Object"/> is the last state the informer knew.
/// </summary>
public sealed record DeletedFinalStateUnknown<T>(string Key, T Object);
