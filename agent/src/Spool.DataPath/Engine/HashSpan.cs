namespace Spool.DataPath;

/// <summary>
/// Payload bytes <c>[Start, Start + Length)</c> of a pipeline buffer that belong to <see cref="Job"/>'s file; a span with
/// <see cref="Last"/> set (its length may be 0) ends the file.
/// </summary>
internal readonly record struct HashSpan(FileHashJob Job, int Start, int Length, bool Last);
