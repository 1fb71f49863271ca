namespace Spool.Kube;

/// <summary>A kubeconfig, in-cluster environment or credential plugin that cannot be used.</summary>
public sealed class KubeConfigException : Exception
{
    public KubeConfigException()
    {
    }

    public KubeConfigException(string message)
        : base(message)
    {
    }

    public KubeConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
