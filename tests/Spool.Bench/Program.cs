using Spool.Bench.DataPath;

// make bench runs every suite; each prints its own `bench:` and `ratio:` lines.
return args.Length == 0 ? Usage() : args[0] switch
{
    "datapath" => await DataPathBench.RunAsync(args[1..]),
    "failover" => await Spool.Bench.Failover.FailoverBenchmark.RunAsync(args[1..], CancellationToken.None),
    "operator" => await Spool.Bench.Operator.OperatorBenchmark.RunAsync(args[1..], CancellationToken.None),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Spool.Bench datapath [--data DIR] [--work DIR] [--runs N] | failover [RUNS] | operator [JOBS]");
    return 2;
}
