using Spool.Agent.Host.Volumes;

namespace Spool.Agent.Tests.Host;

public sealed class VolumeLocatorTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "spool-kubelet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void A_csi_volume_is_read_from_its_mount_directory()
    {
        var mount = Make("pods/uid-1/volumes/kubernetes.io~csi/pv-1/mount");
        Make("pods/uid-1/volumes/kubernetes.io~csi/pv-1/vol_data");

        new VolumeLocator(_root).Find("uid-1", ["pv-1"]).Should().Be(mount);
    }

    [TestCase("kubernetes.io~local-volume")]
    [TestCase("kubernetes.io~nfs")]
    [TestCase("kubernetes.io~host-path")]
    public void Other_plugins_keep_the_data_in_the_volume_directory_itself(string plugin)
    {
        var dir = Make($"pods/uid-1/volumes/{plugin}/pv-1");

        new VolumeLocator(_root).Find("uid-1", ["pv-1"]).Should().Be(dir);
    }

    [Test]
    public void The_pv_name_is_preferred_then_the_pod_volume_name()
    {
        var byVolumeName = Make("pods/uid-1/volumes/kubernetes.io~empty-dir/data");

        new VolumeLocator(_root).Find("uid-1", ["pv-missing", null, "data"]).Should().Be(byVolumeName);
    }

    [Test]
    public void A_symlinked_volume_root_is_followed_but_nothing_below_it()
    {
        var shared = Make("shared/pv-data");
        File.WriteAllText(Path.Combine(shared, "file"), "x");
        Directory.CreateSymbolicLink(Path.Combine(shared, "escape"), "/etc");
        Make("pods/uid-1/volumes/kubernetes.io~local-volume");
        Directory.CreateSymbolicLink(Path.Combine(_root, "pods/uid-1/volumes/kubernetes.io~local-volume/pv-1"), shared);

        var found = new VolumeLocator(_root).Find("uid-1", ["pv-1"]);

        found.Should().Be(shared);
        new DirectoryInfo(Path.Combine(found!, "escape")).LinkTarget.Should().Be("/etc", "links inside the volume stay links for the data path");
    }

    [Test]
    public void Missing_pod_missing_volume_or_a_dangling_root_link_is_not_found()
    {
        Make("pods/uid-1/volumes/kubernetes.io~csi/pv-1");
        Make("pods/uid-2/volumes/kubernetes.io~local-volume");
        Directory.CreateSymbolicLink(Path.Combine(_root, "pods/uid-2/volumes/kubernetes.io~local-volume/pv-2"), Path.Combine(_root, "gone"));
        var locator = new VolumeLocator(_root);

        locator.Find("uid-9", ["pv-1"]).Should().BeNull();
        locator.Find("uid-1", ["pv-other"]).Should().BeNull();
        locator.Find("uid-1", ["pv-1"]).Should().BeNull("a CSI volume without its mount directory is not mounted");
        locator.Find("uid-2", ["pv-2"]).Should().BeNull();
    }

    [Test]
    public void Without_a_pod_any_pod_of_the_node_that_mounts_the_pv_is_found()
    {
        Make("pods/uid-1/volumes/kubernetes.io~csi/pv-other/mount");
        var mount = Make("pods/uid-2/volumes/kubernetes.io~csi/pv-1/mount");

        new VolumeLocator(_root).FindInAnyPod(["pv-1"]).Should().Be(mount);
        new VolumeLocator(_root).FindInAnyPod(["pv-9"]).Should().BeNull();
    }

    [Test]
    public void Names_that_would_leave_the_kubelet_root_are_refused()
    {
        Make("pods/uid-1/volumes/kubernetes.io~local-volume/pv-1");
        var locator = new VolumeLocator(_root);

        locator.Find("../uid-1", ["pv-1"]).Should().BeNull();
        locator.Find("uid-1", [".."]).Should().BeNull();
        locator.Find("uid-1", ["pv-1/../pv-1"]).Should().BeNull();
    }

    private string Make(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(path);
        return path;
    }
}
