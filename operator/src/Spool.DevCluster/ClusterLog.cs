using System.Globalization;
using System.Text;

namespace Spool.DevCluster;

/// <summary>
/// The cluster's own structured log, in the Kubernetes message style: a capitalised message, then key="value" pairs.
/// Written to logs/spool-dev.log and, when asked, to the console.
/// </summary>
public sealed class ClusterLog : IDisposable
{
    private readonly object gate = new();
    private readonly TimeProvider timeProvider;
    private StreamWriter? file;

    public ClusterLog(string? path, bool console, TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        Console = console;
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
    }

    public bool Console { get; set; }

    public void Info(string message, params (string Key, object? Value)[] pairs) => Write('I', message, pairs);

    public void Warning(string message, params (string Key, object? Value)[] pairs) => Write('W', message, pairs);

    public void Error(string message, params (string Key, object? Value)[] pairs) => Write('E', message, pairs);

    private void Write(char level, string message, (string Key, object? Value)[] pairs)
    {
        var now = timeProvider.GetUtcNow();
        var line = new StringBuilder();
        line.Append(level).Append(now.ToString("MMdd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append(' ').Append(message);
        foreach (var (key, value) in pairs)
        {
            line.Append(' ').Append(key).Append('=');
            switch (value)
            {
                case null:
                    line.Append("<nil>");
                    break;
                case int or long or double or bool:
                    line.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
                default:
                    line.Append('"').Append(Convert.ToString(value, CultureInfo.InvariantCulture)?.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                    break;
            }
        }

        var text = line.ToString();
        lock (gate)
        {
            file?.WriteLine(text);
            if (Console)
            {
                System.Console.Error.WriteLine(text);
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            file?.Dispose();
            file = null;
        }
    }
}
