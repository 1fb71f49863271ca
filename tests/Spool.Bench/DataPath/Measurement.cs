namespace Spool.Bench.DataPath;

/// <summary>Seconds of each run of one measured operation; the median is reported.</summary>
public sealed class Measurement(string name)
{
    public string Name { get; } = name;

    public List<double> Seconds { get; } = [];

    public double Median
    {
        get
        {
            var s = Seconds.Order().ToList();
            return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
        }
    }
}
