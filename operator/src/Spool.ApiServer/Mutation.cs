using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>What a writer decided to do with an object, evaluated under the store's write lock.</summary>
public sealed record Mutation(MutationKind Kind, JsonObject? Object)
{
    public static Mutation None { get; } = new(MutationKind.None, null);

    public static Mutation Put(JsonObject obj) => new(MutationKind.Put, obj);

    public static Mutation Delete(JsonObject finalState) => new(MutationKind.Delete, finalState);
}
