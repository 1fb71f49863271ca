namespace Spool.Api;

/// <summary>One event of a watch stream. <see cref="Status"/> is set for <see cref="WatchEventType.Error"/> events.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, ApiStatus? Status = null);
