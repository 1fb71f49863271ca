using System.Reflection;
using Spool.Api;

namespace Spool.Kube;

/// <summary>Where a resource is served: group, version, plural, and whether it is namespaced.</summary>
public sealed record ResourceDescriptor(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static ResourceDescriptor For<T>() where T : IKubernetesObject => For(typeof(T));

    public static ResourceDescriptor For(Type type)
    {
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [KubernetesEntity] attribute", nameof(type));
        return new ResourceDescriptor(entity.Group, entity.Version, entity.Plural, entity.Kind, entity.Namespaced);
    }
}
