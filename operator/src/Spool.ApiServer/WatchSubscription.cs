namespace Spool.ApiServer;

/// <summary>A registered watcher plus the events to send before live ones (synthetic ADDED or replayed history).</summary>
public sealed record WatchSubscription(Watcher Watcher, IReadOnlyList<(WatchEvent Event, string Type)> Backlog, long StartResourceVersion);
