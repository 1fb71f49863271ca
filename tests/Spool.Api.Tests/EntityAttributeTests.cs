using System.Reflection;
using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Api.Tests;

public sealed class EntityAttributeTests
{
    private static IEnumerable<Type> SpoolEntities() =>
        typeof(BackupJob).Assembly.GetTypes().Where(t => t.Namespace == typeof(BackupJob).Namespace && t.GetCustomAttribute<KubernetesEntityAttribute>() is not null);

    [Test]
    public void Every_spool_entity_is_in_the_spool_group_and_category()
    {
        var entities = SpoolEntities().ToList();

        entities.Select(t => t.Name).Should().Contain(["BackupJob", "RestoreJob", "TapeDrive"]);
        foreach (var type in entities)
        {
            var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()!;
            entity.ApiVersion.Should().Be(SpoolGroup.ApiVersion, type.Name);
            entity.Categories.Should().Contain(SpoolGroup.Category, type.Name);
            entity.ShortNames.Should().NotBeEmpty(type.Name);
            entity.Plural.Should().Be(entity.Kind.ToLowerInvariant() + "s", type.Name);
            var instance = (IKubernetesObject)Activator.CreateInstance(type)!;
            instance.Kind.Should().Be(entity.Kind, "the default kind of a new object must match its resource");
            instance.ApiVersion.Should().Be(entity.ApiVersion);
        }
    }

    [Test]
    public void TapeDrive_is_cluster_scoped_and_jobs_are_namespaced()
    {
        typeof(TapeDrive).GetCustomAttribute<KubernetesEntityAttribute>()!.Namespaced.Should().BeFalse();
        typeof(BackupJob).GetCustomAttribute<KubernetesEntityAttribute>()!.Namespaced.Should().BeTrue();
        typeof(RestoreJob).GetCustomAttribute<KubernetesEntityAttribute>()!.Namespaced.Should().BeTrue();
    }

    [Test]
    public void Printer_columns_the_issue_names_exist()
    {
        static IEnumerable<string> Columns<T>() => typeof(T).GetCustomAttributes<PrinterColumnAttribute>().Select(c => c.Name);

        Columns<BackupJob>().Should().Contain(["Phase", "Node", "Drive", "Progress", "Size", "Age"]);
        Columns<RestoreJob>().Should().Contain(["Phase", "Node", "Progress", "Age"]);
        Columns<TapeDrive>().Should().Contain(["Phase", "Holder", "Age"]);
    }
}
