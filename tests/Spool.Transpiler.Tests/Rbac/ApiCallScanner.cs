using System.Reflection;
using System.Reflection.Emit;
using Spool.Api;

namespace Spool.Transpiler.Tests.Rbac;

/// <summary>
/// Finds the Kubernetes API calls a host program makes by reading the IL of its assembly and of Spool.Kube:
/// every call of an <c>IKubernetesClient</c> method, with its resource type resolved through generic
/// instantiations (so that <c>ResourceWatch&lt;BackupJob&gt;</c> calling <c>WatchAsync&lt;T&gt;</c> needs watch on
/// backupjobs), <c>status</c> passed as a patch subresource, and the raw <c>/exec</c> subresource path.
/// Reading compiled code rather than source text sees inferred generic arguments and helper classes alike.
/// </summary>
public sealed class ApiCallScanner
{
    private const string ClientInterface = "Spool.Kube.IKubernetesClient";

    private static readonly Dictionary<short, OpCode> OpCodeTable = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static readonly Dictionary<string, string> Verbs = new(StringComparer.Ordinal)
    {
        ["GetAsync"] = "get",
        ["ListAsync"] = "list",
        ["ListAllAsync"] = "list",
        ["WatchAsync"] = "watch",
        ["CreateAsync"] = "create",
        ["UpdateAsync"] = "update",
        ["UpdateStatusAsync"] = "update",
        ["PatchAsync"] = "patch",
        ["DeleteAsync"] = "delete",
    };

    private readonly Dictionary<GenericSlot, HashSet<Type>> edges = [];
    private readonly List<(MethodBase Target, Type Owner, bool NearStatus, string Site)> clientCalls = [];
    private readonly List<(Type Owner, string Text, string Site)> strings = [];
    private readonly HashSet<string> referencedNamespaces = new(StringComparer.Ordinal);

    /// <summary>The API calls that <paramref name="host"/> makes, itself or through the Spool.Kube parts it uses.</summary>
    public static IReadOnlyList<ApiCall> Scan(Assembly host)
    {
        var kube = typeof(Spool.Kube.IKubernetesClient).Assembly;
        var scanner = new ApiCallScanner();
        scanner.Read(host);
        scanner.Read(kube);
        return scanner.Calls(host, kube);
    }

    private IReadOnlyList<ApiCall> Calls(Assembly host, Assembly kube)
    {
        // A concrete call inside Spool.Kube (a Lease in leader election, an Event in the recorder) counts only
        // when the host uses that part of the library: its namespace, or one that such a namespace uses.
        var used = Closure(host, kube);
        var result = new List<ApiCall>();
        foreach (var (target, owner, nearStatus, site) in clientCalls)
        {
            var argument = target.GetGenericArguments()[0];
            if (owner.Assembly == kube && !argument.IsGenericParameter && !used.Contains(owner.Namespace ?? ""))
            {
                continue;
            }

            foreach (var type in Resolve(argument, []))
            {
                var entity = type.GetCustomAttribute<KubernetesEntityAttribute>();
                if (entity is null)
                {
                    continue;
                }

                var status = target.Name == "UpdateStatusAsync" || (target.Name == "PatchAsync" && nearStatus);
                result.Add(new ApiCall(new Permission(entity.Group, status ? entity.Plural + "/status" : entity.Plural, Verbs[target.Name]), site));
            }
        }

        foreach (var (owner, text, site) in strings)
        {
            if (owner.Assembly != host)
            {
                continue;
            }

            // The exec subresource is opened as a WebSocket GET (older servers check get, newer ones create).
            if (text.Contains("/exec", StringComparison.Ordinal))
            {
                result.Add(new ApiCall(new Permission("", "pods/exec", "create"), site));
                result.Add(new ApiCall(new Permission("", "pods/exec", "get"), site));
            }
        }

        return result;
    }

    private HashSet<string> Closure(Assembly host, Assembly kube)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var perNamespace = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var key in referencedNamespaces)
        {
            var parts = key.Split('|');
            if (!perNamespace.TryGetValue(parts[0], out var set))
            {
                perNamespace[parts[0]] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(parts[1]);
        }

        var queue = new Queue<string>(perNamespace.GetValueOrDefault(host.GetName().Name + ":") ?? []);
        while (queue.TryDequeue(out var ns))
        {
            if (used.Add(ns))
            {
                foreach (var next in perNamespace.GetValueOrDefault(kube.GetName().Name + ":" + ns) ?? [])
                {
                    queue.Enqueue(next);
                }
            }
        }

        return used;
    }

    private IEnumerable<Type> Resolve(Type type, HashSet<GenericSlot> visiting)
    {
        if (!type.IsGenericParameter)
        {
            return type.ContainsGenericParameters ? [] : [type];
        }

        var slot = GenericSlot.Of(type);
        if (!visiting.Add(slot))
        {
            return [];
        }

        var found = new List<Type>();
        foreach (var argument in edges.GetValueOrDefault(slot) ?? [])
        {
            found.AddRange(Resolve(argument, visiting));
        }

        visiting.Remove(slot);
        return found.Distinct();
    }

    private void Read(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }

        foreach (var type in types)
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                ReadBody(assembly, type, method);
            }
        }
    }

    private void ReadBody(Assembly assembly, Type type, MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            return;
        }

        if (il is null)
        {
            return;
        }

        var owner = Outermost(type);
        var site = $"{owner.FullName}.{method.Name}";
        var typeArguments = type.IsGenericTypeDefinition ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethodDefinition ? method.GetGenericArguments() : null;
        var lastStatusAt = -100;
        var instruction = 0;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            var opCode = OpCodeTable[value];
            var operand = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
                _ => 4,
            };
            instruction++;
            if (operand == 4 && opCode.OperandType is OperandType.InlineString)
            {
                var text = SafeString(method.Module, BitConverter.ToInt32(il, position));
                if (text is not null)
                {
                    strings.Add((owner, text, site));
                    if (text == "status")
                    {
                        lastStatusAt = instruction;
                    }
                }
            }
            else if (opCode.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var member = SafeMember(method.Module, BitConverter.ToInt32(il, position), typeArguments, methodArguments);
                if (member is not null)
                {
                    Note(assembly, member, owner, instruction - lastStatusAt <= 8, site);
                }
            }

            position += operand;
        }
    }

    private void Note(Assembly assembly, MemberInfo member, Type owner, bool nearStatus, string site)
    {
        var declaring = member as Type ?? member.DeclaringType;
        if (declaring is not null)
        {
            AddEdges(declaring);
            if (declaring.Assembly.GetName().Name == "Spool.Kube" && declaring.Namespace is { } ns)
            {
                var from = owner.Assembly == assembly && assembly.GetName().Name == "Spool.Kube" ? "Spool.Kube:" + owner.Namespace : assembly.GetName().Name + ":";
                referencedNamespaces.Add(from + "|" + ns);
            }
        }

        if (member is MethodInfo { IsGenericMethod: true } generic && !generic.IsGenericMethodDefinition)
        {
            var arguments = generic.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                Edge(new GenericSlot(generic.Module.ModuleVersionId, generic.MetadataToken, true, i), arguments[i]);
                AddEdges(arguments[i]);
            }

            if (generic.DeclaringType?.FullName == ClientInterface && Verbs.ContainsKey(generic.Name))
            {
                clientCalls.Add((generic, owner, nearStatus, site));
            }
        }
    }

    private void AddEdges(Type type)
    {
        if (type.HasElementType)
        {
            AddEdges(type.GetElementType()!);
            return;
        }

        if (!type.IsConstructedGenericType)
        {
            return;
        }

        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (Edge(new GenericSlot(definition.Module.ModuleVersionId, definition.MetadataToken, false, i), arguments[i]))
            {
                AddEdges(arguments[i]);
            }
        }
    }

    private bool Edge(GenericSlot slot, Type argument)
    {
        if (!edges.TryGetValue(slot, out var set))
        {
            edges[slot] = set = [];
        }

        return set.Add(argument);
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static MemberInfo? SafeMember(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (Exception e) when (e is ArgumentException or TypeLoadException or FileNotFoundException or BadImageFormatException or MissingMemberException)
        {
            return null;
        }
    }

    private static string? SafeString(Module module, int token)
    {
        try
        {
            return module.ResolveString(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
