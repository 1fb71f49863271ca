using Spool.Agent.Host.Hooks;

namespace Spool.Agent.Tests.Host;

public sealed class PodExecStatusTests
{
    [Test]
    public void Success_is_exit_code_zero() =>
        WebSocketPodExec.ExitCode("""{"metadata":{},"status":"Success"}""").Should().Be(0);

    [Test]
    public void An_empty_status_channel_is_success() => WebSocketPodExec.ExitCode("").Should().Be(0);

    [Test]
    public void A_non_zero_exit_code_comes_from_the_exit_code_cause() =>
        WebSocketPodExec.ExitCode("""{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"42"}]}}""").Should().Be(42);

    [Test]
    public void Other_failures_are_exec_errors()
    {
        var act = () => WebSocketPodExec.ExitCode("""{"status":"Failure","reason":"InternalError","message":"container not found (\"app\")"}""");

        act.Should().Throw<PodExecException>().WithMessage("*container not found*");
    }

    [Test]
    public void The_exec_url_repeats_command_and_upgrades_the_scheme()
    {
        var uri = WebSocketPodExec.BuildUri(new Uri("https://10.0.0.1:6443/"), "apps", "db-0", "postgres", ["sh", "-c", "psql -c 'CHECKPOINT'"]);

        uri.Scheme.Should().Be("wss");
        uri.AbsolutePath.Should().Be("/api/v1/namespaces/apps/pods/db-0/exec");
        uri.Query.Should().Contain("container=postgres").And.Contain("command=sh&command=-c&command=psql%20-c%20%27CHECKPOINT%27").And.Contain("stdout=true");
        WebSocketPodExec.BuildUri(new Uri("http://127.0.0.1:8080"), "a", "b", "c", ["true"]).Scheme.Should().Be("ws");
    }
}
