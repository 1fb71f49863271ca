namespace Spool.Kube.Tests;

internal static class TestConfig
{
    public static KubernetesClientConfiguration Fake(TimeProvider? timeProvider = null, double qps = 0) => new()
    {
        Server = new Uri("https://kube.test:6443"),
        Namespace = "spool",
        Credentials = new StaticCredentialProvider(new KubeCredential("t0ken")),
        Qps = qps,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(5),
        TimeProvider = timeProvider ?? TimeProvider.System,
    };
}
