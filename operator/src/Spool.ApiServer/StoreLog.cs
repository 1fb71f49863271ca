using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// Persistence as a snapshot plus an append-only log of watch events. A torn last line (a crash mid-append)
/// is detected by JSON parsing, ignored and cut off; snapshots are replaced atomically by rename.
/// </summary>
public sealed class StoreLog : IDisposable
{
    private const string SnapshotFile = "snapshot.json";
    private const string LogFile = "events.jsonl";
    private readonly string directory;
    private FileStream? log;
    private long appendedSinceCompaction;

    public StoreLog(string directory)
    {
        this.directory = directory;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Records read at startup: the snapshot state and the log tail (events after the snapshot are replayed by the store).</summary>
    public sealed record Loaded(long SnapshotResourceVersion, IReadOnlyList<StoredObject> SnapshotObjects, IReadOnlyList<WatchEvent> Events);

    public Loaded Load()
    {
        long snapshotRv = 0;
        var objects = new List<StoredObject>();
        var snapshotPath = Path.Combine(directory, SnapshotFile);
        if (File.Exists(snapshotPath))
        {
            var root = JsonNode.Parse(File.ReadAllBytes(snapshotPath))!.AsObject();
            snapshotRv = root["resourceVersion"]!.GetValue<long>();
            foreach (var item in root["objects"]!.AsArray())
            {
                var entry = item!.AsObject();
                objects.Add(StoredObject.Create(entry["key"]!.GetValue<string>(), entry["object"]!.AsObject()));
            }
        }

        var events = new List<WatchEvent>();
        var logPath = Path.Combine(directory, LogFile);
        if (File.Exists(logPath))
        {
            var bytes = File.ReadAllBytes(logPath);
            var goodLength = 0;
            var start = 0;
            while (start < bytes.Length)
            {
                var nl = Array.IndexOf(bytes, (byte)'\n', start);
                if (nl < 0)
                {
                    break;
                }

                try
                {
                    var record = JsonNode.Parse(bytes.AsSpan(start, nl - start))!.AsObject();
                    var type = record["type"]!.GetValue<string>();
                    var stored = StoredObject.Create(record["key"]!.GetValue<string>(), record["object"]!.AsObject());
                    events.Add(new WatchEvent(type, stored, null));
                }
                catch (JsonException)
                {
                    break;
                }

                start = nl + 1;
                goodLength = start;
            }

            if (goodLength != bytes.Length)
            {
                using var truncate = new FileStream(logPath, FileMode.Open, FileAccess.Write);
                truncate.SetLength(goodLength);
            }
        }

        appendedSinceCompaction = events.Count;
        return new Loaded(snapshotRv, objects, events);
    }

    public void Append(WatchEvent evt)
    {
        log ??= new FileStream(Path.Combine(directory, LogFile), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        var prefix = Encoding.UTF8.GetBytes("{\"type\":\"" + evt.Type + "\",\"key\":" + JsonSerializer.Serialize(evt.StorageKey) + ",\"object\":");
        log.Write(prefix);
        log.Write(evt.Object.Json);
        log.Write("}\n"u8);
        log.Flush();
        appendedSinceCompaction++;
    }

    public bool ShouldCompact(int historySize) => appendedSinceCompaction > Math.Max(10_000, historySize * 4L);

    /// <summary>Writes a snapshot of the whole state and a log holding only the retained history.</summary>
    public void Compact(long resourceVersion, IEnumerable<StoredObject> objects, IEnumerable<WatchEvent> retainedHistory)
    {
        log?.Dispose();
        log = null;
        var snapshotTmp = Path.Combine(directory, SnapshotFile + ".tmp");
        using (var stream = new FileStream(snapshotTmp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(Encoding.UTF8.GetBytes("{\"resourceVersion\":" + resourceVersion + ",\"objects\":["));
            var first = true;
            foreach (var obj in objects)
            {
                if (!first)
                {
                    stream.Write(","u8);
                }

                first = false;
                stream.Write(Encoding.UTF8.GetBytes("{\"key\":" + JsonSerializer.Serialize(obj.StorageKey) + ",\"object\":"));
                stream.Write(obj.Json);
                stream.Write("}"u8);
            }

            stream.Write("]}"u8);
            stream.Flush(true);
        }

        File.Move(snapshotTmp, Path.Combine(directory, SnapshotFile), true);
        var logTmp = Path.Combine(directory, LogFile + ".tmp");
        var count = 0;
        using (var stream = new FileStream(logTmp, FileMode.Create, FileAccess.Write))
        {
            foreach (var evt in retainedHistory)
            {
                stream.Write(Encoding.UTF8.GetBytes("{\"type\":\"" + evt.Type + "\",\"key\":" + JsonSerializer.Serialize(evt.StorageKey) + ",\"object\":"));
                stream.Write(evt.Object.Json);
                stream.Write("}\n"u8);
                count++;
            }

            stream.Flush(true);
        }

        File.Move(logTmp, Path.Combine(directory, LogFile), true);
        appendedSinceCompaction = count;
    }

    public void Dispose()
    {
        log?.Dispose();
        log = null;
    }
}
