using System.Globalization;
using Spectre.Console;
using Spool.DevCluster.Scenario;

namespace Spool.DevCluster.Rendering;

/// <summary>
/// Live progress of a job: a Spectre.Console progress bar with rate and ETA on a terminal, plain lines (every couple of
/// seconds and on every change of epoch or node) when the output is not a terminal, as under CI.
/// </summary>
public sealed class ProgressRenderer
{
    private readonly TimeProvider timeProvider;

    public ProgressRenderer(TimeProvider timeProvider, bool? interactive = null)
    {
        this.timeProvider = timeProvider;
        Interactive = interactive ?? (!Console.IsOutputRedirected
            && AnsiConsole.Profile.Capabilities.Interactive
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));
    }

    public bool Interactive { get; }

    /// <summary>A line above the progress bar (or a plain line).</summary>
    public void Note(string text)
    {
        if (Interactive)
        {
            AnsiConsole.MarkupLine(Markup.Escape(text));
        }
        else
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>
    /// Renders the job from its recorded history until <paramref name="step"/> returns true. The step runs every 100 ms
    /// and may inject faults and print notes.
    /// </summary>
    public async Task RunAsync(string title, JobHistory history, long totalBytes, Func<JobVersion?, CancellationToken, Task<bool>> step, CancellationToken cancellationToken)
    {
        var meter = new RateMeter(timeProvider, TimeSpan.FromSeconds(4));
        if (Interactive)
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, totalBytes));
                    while (true)
                    {
                        var latest = history.Latest;
                        if (latest is not null)
                        {
                            var (bytes, line) = Describe(latest, totalBytes, meter);
                            task.Value = Math.Min(bytes, totalBytes);
                            task.Description = Markup.Escape(line);
                        }

                        if (await step(latest, cancellationToken))
                        {
                            task.Value = task.MaxValue;
                            break;
                        }

                        await Task.Delay(TimeSpan.FromMilliseconds(100), timeProvider, cancellationToken);
                    }
                });
            return;
        }

        var lastPrint = long.MinValue;
        var lastKey = "";
        while (true)
        {
            var latest = history.Latest;
            if (latest is not null)
            {
                var (_, line) = Describe(latest, totalBytes, meter);
                var key = $"{latest.Epoch}/{latest.Node}/{latest.Phase}";
                var now = timeProvider.GetTimestamp();
                if (key != lastKey || lastPrint == long.MinValue || timeProvider.GetElapsedTime(lastPrint, now) >= TimeSpan.FromSeconds(2))
                {
                    Console.WriteLine($"{title}: {line}");
                    lastPrint = now;
                    lastKey = key;
                }
            }

            if (await step(latest, cancellationToken))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), timeProvider, cancellationToken);
        }
    }

    private static (long Bytes, string Line) Describe(JobVersion version, long totalBytes, RateMeter meter)
    {
        var progress = version.Status.Progress;
        var bytes = progress?.BytesDone ?? 0;
        var total = progress?.BytesTotal ?? totalBytes;
        var rate = progress?.BytesPerSecond ?? meter.Add(bytes);
        if (progress?.BytesPerSecond is not null)
        {
            meter.Add(bytes);
        }

        var eta = progress?.EtaSeconds is { } e ? e : rate is > 0 ? (total - bytes) / rate : null;
        var percent = total > 0 ? 100.0 * bytes / total : 0;
        var phase = version.Phase?.ToString() ?? "Pending";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{phase,-9} epoch {version.Epoch} on {version.Node ?? "-",-7} {percent,5:F1}%  {ByteFormat.Bytes(bytes)} / {ByteFormat.Bytes(total)}  {(rate is { } r ? ByteFormat.Bytes(r) + "/s" : "-- MiB/s")}  ETA {ByteFormat.Eta(eta)}");
        return (bytes, line);
    }
}
