using Spool.Bench.DataPath;

// make bench runs every suite; each prints its own `bench:` and `ratio:` lines.
return args.Length == 0 ? Usage() : args[0] switch
{
    "all" => await RunAllAsync(),
    "apiserver" => await Spool.Bench.ApiServer.ApiServerBenchmark.RunAsync(args[1..], CancellationToken.None),
    "datapath" => await DataPathBench.RunAsync(args[1..]),
    "failover" => await Spool.Bench.Failover.FailoverBenchmark.RunAsync(args[1..], CancellationToken.None),
    "parity" => await Spool.Bench.Parity.ParityBenchmark.RunAsync(args[1..], CancellationToken.None),
    "operator" => await Spool.Bench.Operator.OperatorBenchmark.RunAsync(args[1..], CancellationToken.None),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Spool.Bench all | apiserver [OBJECTS] | datapath [--data DIR] [--work DIR] [--runs N] [--checkpoint-pairs N] [--quick] | failover [RUNS] | operator [JOBS] | parity [MB] [RUNS]");
    return 2;
}

// Every suite in turn; one that fails is reported and the others still run, and the exit code says so.
static async Task<int> RunAllAsync()
{
    var failed = new List<string>();
    foreach (var (name, run) in new (string, Func<Task<int>>)[]
    {
        ("apiserver", () => Spool.Bench.ApiServer.ApiServerBenchmark.RunAsync([], CancellationToken.None)),
        ("operator", () => Spool.Bench.Operator.OperatorBenchmark.RunAsync([], CancellationToken.None)),
        ("failover", () => Spool.Bench.Failover.FailoverBenchmark.RunAsync([], CancellationToken.None)),
        ("parity", () => Spool.Bench.Parity.ParityBenchmark.RunAsync([], CancellationToken.None)),
        ("datapath", () => DataPathBench.RunAsync([])),
    })
    {
        Console.WriteLine($"== {name}");
        if (await run() != 0)
        {
            failed.Add(name);
        }
    }

    if (failed.Count > 0)
    {
        Console.Error.WriteLine("failed suites: " + string.Join(", ", failed));
        return 1;
    }

    return 0;
}
