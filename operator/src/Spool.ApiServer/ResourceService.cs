using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Spool.ApiServer;

/// <summary>
/// Object semantics of the real API server on top of <see cref="ObjectStore"/>: system metadata, optimistic
/// concurrency, generation, the status subresource, schema validation of custom resources, finalizers,
/// garbage collection of dependents, namespace cleanup and CRD registration.
/// </summary>
public sealed partial class ResourceService
{
    private const string NamespaceKey = "namespaces";
    private const string CrdKey = "customresourcedefinitions.apiextensions.k8s.io";
    private readonly TimeProvider time;

    public ResourceService(ObjectStore store, ResourceRegistry registry, TimeProvider time)
    {
        Store = store;
        Registry = registry;
        this.time = time;
    }

    public ObjectStore Store { get; }

    public ResourceRegistry Registry { get; }

    public string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Registers served types for stored CRDs and creates the standard namespaces.</summary>
    public void Bootstrap()
    {
        foreach (var crd in Store.ObjectsOf(CrdKey))
        {
            Registry.SetCustom(crd.Name, CrdCompiler.Compile(crd.ToJsonObject()));
        }

        var nsType = Registry.Find(string.Empty, "v1", NamespaceKey)!;
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            if (Store.Get(NamespaceKey, null, ns) is null)
            {
                Create(nsType, null, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }, WriteOptions.Default);
            }
        }
    }

    public StoredObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions options) => Create(type, ns, body, options, null);

    private StoredObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions options, JsonObject? appliedConfiguration)
    {
        CheckTypeMeta(type, body);
        var meta = Metadata(body);
        CheckNamespace(type, ns, meta);
        if (meta["resourceVersion"] is JsonValue rv && rv.ToString().Length > 0)
        {
            throw StatusFactory.BadRequest("resourceVersion should not be set on objects to be created");
        }

        var name = meta["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            var generate = meta["generateName"]?.GetValue<string>();
            if (string.IsNullOrEmpty(generate))
            {
                throw StatusFactory.Invalid(type, string.Empty, [new FieldError("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")]);
            }

            name = generate + RandomSuffix();
            meta["name"] = name;
        }

        if (type.Namespaced)
        {
            if (Store.Get(NamespaceKey, null, ns!) is not { } nsObj)
            {
                throw StatusFactory.NamespaceNotFound(ns!);
            }

            if (nsObj.Terminating)
            {
                throw new ApiException(403, "Forbidden", $"{type.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", new JsonObject { ["name"] = name, ["kind"] = type.Plural });
            }
        }

        var now = Now();
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = now;
        meta["generation"] = 1;
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("selfLink");
        if (type.HasStatus && type.IsCustom)
        {
            body.Remove("status");
        }

        ApplyBuiltinDefaults(type, body);
        NormalizeSecret(type, body);
        Admit(type, name, body, options);
        meta.Remove("managedFields");
        if (options.FieldManager is not null)
        {
            ManagedFields.Record(body, options.FieldManager, appliedConfiguration is null ? "Update" : "Apply", type.ApiVersion, now, ManagedFields.FieldSet(appliedConfiguration ?? body), null);
        }

        if (type.StorageKey == CrdKey)
        {
            body["status"] = CrdCompiler.StatusFor(body, now, null);
        }

        if (options.DryRun)
        {
            meta["resourceVersion"] = string.Empty;
            return StoredObject.Create(type.StorageKey, body);
        }

        var stored = Store.Write(type.StorageKey, ns, name, (current, _) =>
            current is null ? Mutation.Put(body) : throw StatusFactory.AlreadyExists(type, name))!;
        AfterWrite(type, stored);
        return stored;
    }

    public StoredObject Update(ResourceType type, string? ns, string name, JsonObject body, bool statusOnly, WriteOptions options)
    {
        CheckTypeMeta(type, body);
        var meta = Metadata(body);
        CheckNamespace(type, ns, meta);
        var bodyName = meta["name"]?.GetValue<string>();
        if (bodyName is not null && bodyName != name)
        {
            throw StatusFactory.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        meta["name"] = name;
        var expectedRv = meta["resourceVersion"]?.GetValue<string>();
        return Mutate(type, ns, name, options, current =>
        {
            if (current is null)
            {
                throw StatusFactory.NotFound(type, name);
            }

            if (!string.IsNullOrEmpty(expectedRv) && expectedRv != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw StatusFactory.Conflict(type, name);
            }

            return body.DeepClone().AsObject();
        }, statusOnly, "Update");
    }

    /// <summary>Applies a patch (merge, JSON, strategic or server-side apply) against the current object.</summary>
    public StoredObject Patch(ResourceType type, string? ns, string name, string patchType, JsonNode? patch, bool statusOnly, WriteOptions options)
    {
        if (patchType == "apply")
        {
            if (patch is not JsonObject applied)
            {
                throw StatusFactory.BadRequest("error decoding YAML: the applied configuration must be an object");
            }

            if (options.FieldManager is null)
            {
                throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            }

            CheckMetadataShape(applied);
            var appliedMeta = Metadata(applied);
            if (appliedMeta["name"]?.GetValue<string>() is { } appliedName && appliedName != name)
            {
                throw StatusFactory.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
            }

            if (!statusOnly && Store.Get(type.StorageKey, ns, name) is null)
            {
                var fresh = applied.DeepClone().AsObject();
                Metadata(fresh)["name"] = name;
                if (type.Namespaced)
                {
                    Metadata(fresh)["namespace"] = ns;
                }

                try
                {
                    return Create(type, ns, fresh, options, applied);
                }
                catch (ApiException e) when (e.Reason == "AlreadyExists")
                {
                    // Lost a race with another creator: fall through and merge.
                }
            }

            return Mutate(type, ns, name, options, current =>
            {
                if (current is null)
                {
                    throw StatusFactory.NotFound(type, name);
                }

                CheckPatchPrecondition(type, name, current, applied);
                var target = current.ToJsonObject();
                var previous = ManagedFields.PreviousApply(target, options.FieldManager);
                var newSet = ManagedFields.FieldSet(applied);
                if (previous is not null)
                {
                    ManagedFields.RemoveReleased(target, previous, newSet);
                }

                var cleaned = applied.DeepClone().AsObject();
                var cleanedMeta = Metadata(cleaned);
                foreach (var k in new[] { "resourceVersion", "uid", "creationTimestamp", "managedFields", "generation" })
                {
                    cleanedMeta.Remove(k);
                }

                var merged = (JsonObject)StrategicMergePatch.Apply(target, cleaned)!;
                return RecordApply(type, merged, applied, options.FieldManager, statusOnly ? "status" : null);
            }, statusOnly, "Apply", recordManager: false);
        }

        return Mutate(type, ns, name, options, current =>
        {
            if (current is null)
            {
                throw StatusFactory.NotFound(type, name);
            }

            var target = current.ToJsonObject();
            JsonNode? result;
            switch (patchType)
            {
                case "json":
                    result = JsonPatch.Apply(target, patch);
                    break;
                case "merge":
                    CheckPatchPrecondition(type, name, current, patch);
                    result = JsonMergePatch.Apply(target, patch);
                    break;
                default:
                    CheckPatchPrecondition(type, name, current, patch);
                    result = type.IsCustom ? throw new ApiException(415, "UnsupportedMediaType", "strategic merge patch is not supported for custom resources; use merge or JSON patch") : StrategicMergePatch.Apply(target, patch);
                    break;
            }

            if (result is not JsonObject obj)
            {
                throw StatusFactory.BadRequest("the patched object is not a JSON object");
            }

            var rv = Metadata(obj)["resourceVersion"];
            if (rv is not null && rv.ToString() != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw StatusFactory.Conflict(type, name);
            }

            Metadata(obj)["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            return obj;
        }, statusOnly, "Update");
    }

    private JsonObject RecordApply(ResourceType type, JsonObject target, JsonObject applied, string manager, string? subresource)
    {
        ManagedFields.Record(target, manager, "Apply", type.ApiVersion, Now(), ManagedFields.FieldSet(applied), subresource);
        return target;
    }

    private static void CheckPatchPrecondition(ResourceType type, string name, StoredObject current, JsonNode? patch)
    {
        var rv = patch?["metadata"]?["resourceVersion"];
        if (rv is JsonValue v && v.ToString().Length > 0 && v.ToString() != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw StatusFactory.Conflict(type, name);
        }
    }

    /// <summary>The common update pipeline, run under the store's write lock.</summary>
    private StoredObject Mutate(ResourceType type, string? ns, string name, WriteOptions options, Func<StoredObject?, JsonObject> produce, bool statusOnly, string operation, bool recordManager = true)
    {
        StoredObject? finalState = null;
        var deleted = false;
        var decide = (StoredObject? current, long next) =>
        {
            var proposed = produce(current);
            var old = current!.ToJsonObject();
            CheckTypeMeta(type, proposed);
            var result = Merge(type, old, proposed, statusOnly);
            NormalizeSecret(type, result);
            var meta = Metadata(result);
            Admit(type, name, result, options);
            if (!SameIgnoring(old, result, type.HasStatus))
            {
                meta["generation"] = (old["metadata"]?["generation"]?.GetValue<long>() ?? 1) + 1;
            }

            if (SameIgnoringManagedFields(old, result))
            {
                // A no-op write keeps the resourceVersion and emits no event, even if only managedFields would change.
                return Mutation.None;
            }

            if (recordManager && options.FieldManager is not null)
            {
                ManagedFields.Record(result, options.FieldManager, operation, type.ApiVersion, Now(), ManagedFields.FieldSet(proposed), statusOnly ? "status" : null);
            }

            if (type.StorageKey == CrdKey)
            {
                result["status"] = CrdCompiler.StatusFor(result, Now(), old["status"] as JsonObject);
            }

            if (options.DryRun)
            {
                finalState = StoredObject.Create(type.StorageKey, result);
                return Mutation.None;
            }

            if (meta["deletionTimestamp"] is not null && (meta["finalizers"] is not JsonArray f || f.Count == 0))
            {
                deleted = true;
                return Mutation.Delete(result);
            }

            return Mutation.Put(result);
        };
        var stored = Store.Write(type.StorageKey, ns, name, (current, next) => current is null ? throw StatusFactory.NotFound(type, name) : decide(current, next));
        if (options.DryRun)
        {
            return finalState ?? stored!;
        }

        if (deleted)
        {
            AfterDelete(type, stored!, "Background");
        }
        else
        {
            AfterWrite(type, stored!);
        }

        return stored!;
    }

    /// <summary>Combines the stored object and a proposed one per the status subresource rules.</summary>
    private static JsonObject Merge(ResourceType type, JsonObject old, JsonObject proposed, bool statusOnly)
    {
        var oldMeta = Metadata(old);
        if (statusOnly)
        {
            var result = old.DeepClone().AsObject();
            if (proposed.TryGetPropertyValue("status", out var status))
            {
                result["status"] = status?.DeepClone();
            }
            else
            {
                result.Remove("status");
            }

            if (Metadata(proposed)["managedFields"] is JsonArray mf)
            {
                Metadata(result)["managedFields"] = mf.DeepClone();
            }

            return result;
        }

        var merged = proposed.DeepClone().AsObject();
        var meta = Metadata(merged);
        foreach (var key in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name" })
        {
            if (oldMeta[key] is { } v)
            {
                meta[key] = v.DeepClone();
            }
            else
            {
                meta.Remove(key);
            }
        }

        if (meta["managedFields"] is null && oldMeta["managedFields"] is { } oldManaged)
        {
            meta["managedFields"] = oldManaged.DeepClone();
        }

        meta.Remove("selfLink");
        if (type.HasStatus)
        {
            if (old.TryGetPropertyValue("status", out var oldStatus))
            {
                merged["status"] = oldStatus?.DeepClone();
            }
            else
            {
                merged.Remove("status");
            }
        }

        return merged;
    }

    private static bool SameIgnoringManagedFields(JsonObject a, JsonObject b)
    {
        var x = a.DeepClone().AsObject();
        var y = b.DeepClone().AsObject();
        Metadata(x).Remove("managedFields");
        Metadata(y).Remove("managedFields");
        Metadata(x).Remove("resourceVersion");
        Metadata(y).Remove("resourceVersion");
        return JsonNode.DeepEquals(x, y);
    }

    private static bool SameIgnoring(JsonObject a, JsonObject b, bool ignoreStatus)
    {
        var x = a.DeepClone().AsObject();
        var y = b.DeepClone().AsObject();
        x.Remove("metadata");
        y.Remove("metadata");
        if (ignoreStatus)
        {
            x.Remove("status");
            y.Remove("status");
        }

        return JsonNode.DeepEquals(x, y);
    }

    public StoredObject Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        var removed = false;
        var decided = Store.Write(type.StorageKey, ns, name, (current, _) =>
        {
            if (current is null)
            {
                throw StatusFactory.NotFound(type, name);
            }

            if (options.PreconditionUid is { } uid && uid != current.Uid)
            {
                throw StatusFactory.PreconditionFailed(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
            }

            if (options.PreconditionResourceVersion is { } rv && rv != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw StatusFactory.PreconditionFailed(type, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.ResourceVersion}");
            }

            var obj = current.ToJsonObject();
            var meta = Metadata(obj);
            var hasFinalizers = meta["finalizers"] is JsonArray { Count: > 0 };
            var isNamespace = type.StorageKey == NamespaceKey;
            if (options.DryRun)
            {
                return Mutation.None;
            }

            if (hasFinalizers || isNamespace)
            {
                if (meta["deletionTimestamp"] is null)
                {
                    meta["deletionTimestamp"] = Now();
                    meta["deletionGracePeriodSeconds"] = options.GracePeriodSeconds ?? 0;
                    if (isNamespace)
                    {
                        obj["status"] = new JsonObject { ["phase"] = "Terminating" };
                    }

                    return Mutation.Put(obj);
                }

                return Mutation.None;
            }

            removed = true;
            return Mutation.Delete(obj);
        });
        if (options.DryRun)
        {
            return decided!;
        }

        if (type.StorageKey == NamespaceKey)
        {
            DeleteNamespaceContents(name);
            return Store.Get(NamespaceKey, null, name) ?? decided!;
        }

        if (options.PropagationPolicy == "Orphan")
        {
            Orphan(decided!.Uid);
        }

        if (removed)
        {
            AfterDelete(type, decided!, options.PropagationPolicy);
        }

        return decided!;
    }

    private void AfterWrite(ResourceType type, StoredObject stored)
    {
        if (type.StorageKey == CrdKey)
        {
            Registry.SetCustom(stored.Name, CrdCompiler.Compile(stored.ToJsonObject()));
        }
    }

    private void AfterDelete(ResourceType type, StoredObject deleted, string propagation)
    {
        if (type.StorageKey == CrdKey)
        {
            var types = CrdCompiler.Compile(deleted.ToJsonObject());
            Registry.RemoveCustom(deleted.Name);
            foreach (var key in types.Select(t => t.StorageKey).Distinct())
            {
                foreach (var obj in Store.ObjectsOf(key).ToList())
                {
                    Store.Write(key, obj.Namespace, obj.Name, (current, _) => current is null ? Mutation.None : Mutation.Delete(current.ToJsonObject()));
                }
            }
        }

        if (propagation != "Orphan" && deleted.Uid.Length > 0)
        {
            CollectDependents(deleted.Uid);
        }

        if (deleted.Namespace is { } ns && Store.Get(NamespaceKey, null, ns) is { Terminating: true })
        {
            FinishNamespaceIfEmpty(ns);
        }
    }

    private void CollectDependents(string ownerUid)
    {
        var dependents = Store.AllObjects().Where(o => o.OwnerUids.Contains(ownerUid)).ToList();
        foreach (var dep in dependents)
        {
            var depType = Registry.VersionsOf(dep.StorageKey).FirstOrDefault();
            if (depType is null)
            {
                continue;
            }

            var remainingOwners = dep.OwnerUids.Where(u => u != ownerUid).ToList();
            try
            {
                if (remainingOwners.Count > 0 && remainingOwners.Any(OwnerExists))
                {
                    RemoveOwnerReference(dep, ownerUid);
                }
                else
                {
                    Delete(depType, dep.Namespace, dep.Name, DeleteOptions.Default);
                }
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Already gone.
            }
        }
    }

    private bool OwnerExists(string uid) => Store.AllObjects().Any(o => o.Uid == uid);

    private void Orphan(string ownerUid)
    {
        foreach (var dep in Store.AllObjects().Where(o => o.OwnerUids.Contains(ownerUid)).ToList())
        {
            RemoveOwnerReference(dep, ownerUid);
        }
    }

    private void RemoveOwnerReference(StoredObject dep, string ownerUid)
    {
        Store.Write(dep.StorageKey, dep.Namespace, dep.Name, (current, _) =>
        {
            if (current is null)
            {
                return Mutation.None;
            }

            var obj = current.ToJsonObject();
            if (Metadata(obj)["ownerReferences"] is JsonArray refs)
            {
                for (var i = refs.Count - 1; i >= 0; i--)
                {
                    if (refs[i]?["uid"]?.ToString() == ownerUid)
                    {
                        refs.RemoveAt(i);
                    }
                }

                if (refs.Count == 0)
                {
                    Metadata(obj).Remove("ownerReferences");
                }
            }

            return Mutation.Put(obj);
        });
    }

    private void DeleteNamespaceContents(string ns)
    {
        foreach (var obj in Store.AllObjects().Where(o => o.Namespace == ns).ToList())
        {
            var t = Registry.VersionsOf(obj.StorageKey).FirstOrDefault();
            if (t is null)
            {
                Store.Write(obj.StorageKey, obj.Namespace, obj.Name, (current, _) => current is null ? Mutation.None : Mutation.Delete(current.ToJsonObject()));
                continue;
            }

            try
            {
                Delete(t, obj.Namespace, obj.Name, DeleteOptions.Default);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted concurrently or by garbage collection.
            }
        }

        FinishNamespaceIfEmpty(ns);
    }

    private void FinishNamespaceIfEmpty(string ns)
    {
        if (Store.AllObjects().Any(o => o.Namespace == ns))
        {
            return;
        }

        Store.Write(NamespaceKey, null, ns, (current, _) =>
            current is { Terminating: true } ? Mutation.Delete(current.ToJsonObject()) : Mutation.None);
    }

    private void ApplyBuiltinDefaults(ResourceType type, JsonObject body)
    {
        if (type.IsCustom)
        {
            return;
        }

        switch (type.StorageKey)
        {
            case "pods":
                EnsureStatusPhase(body, "Pending");
                break;
            case "persistentvolumeclaims":
            case "persistentvolumes":
                EnsureStatusPhase(body, type.Plural == "persistentvolumes" ? "Available" : "Pending");
                break;
            case NamespaceKey:
                EnsureStatusPhase(body, "Active");
                break;
            case "secrets" when body["type"] is null:
                body["type"] = "Opaque";
                break;
            case "services" when body["spec"] is JsonObject spec && spec["type"] is null:
                spec["type"] = "ClusterIP";
                break;
        }

        _ = time;
    }

    /// <summary>Secrets fold write-only stringData into base64 data, as the real server does.</summary>
    private static void NormalizeSecret(ResourceType type, JsonObject obj)
    {
        if (type.StorageKey != "secrets")
        {
            return;
        }

        if (obj["stringData"] is not JsonObject stringData)
        {
            obj.Remove("stringData");
            return;
        }

        var data = obj["data"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in stringData)
        {
            data[k] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v?.ToString() ?? string.Empty));
        }

        obj["data"] = data;
        obj.Remove("stringData");
    }

    private static void EnsureStatusPhase(JsonObject body, string phase)
    {
        var status = body["status"] as JsonObject;
        if (status is null)
        {
            status = new JsonObject();
            body["status"] = status;
        }

        status["phase"] ??= phase;
    }

    /// <summary>Metadata structure checks (400 on wrong types), name format, CRD rules and custom resource schemas (422).</summary>
    private void Admit(ResourceType type, string name, JsonObject obj, WriteOptions options)
    {
        var errors = new List<FieldError>();
        var nameRule = type.StorageKey is "namespaces" or "services" ? NameRule.Label : NameRule.Subdomain;
        if (type.StorageKey is not ("events" or "events.events.k8s.io") && !ValidName(name, nameRule))
        {
            var why = nameRule == NameRule.Label
                ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
            errors.Add(new FieldError("FieldValueInvalid", "metadata.name", $"Invalid value: {SchemaValidator.Render(JsonValue.Create(name))}: {why}"));
        }

        if (type.StorageKey == CrdKey)
        {
            errors.AddRange(CrdCompiler.Validate(obj));
        }

        if (type.IsCustom && type.Schema is { } schema)
        {
            var result = SchemaValidator.Process(obj, schema);
            errors.AddRange(result.Errors);
            if (result.PrunedFields.Count > 0)
            {
                if (options.FieldValidation == "Strict")
                {
                    var unknown = string.Join(", ", result.PrunedFields.Select(f => $"unknown field \"{f}\""));
                    throw StatusFactory.BadRequest($"strict decoding error: {unknown}");
                }

                if (options.FieldValidation != "Ignore")
                {
                    options.Warnings.AddRange(result.PrunedFields.Select(f => $"unknown field \"{f}\""));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw StatusFactory.Invalid(type, name, errors);
        }
    }

    private enum NameRule
    {
        Subdomain,
        Label,
    }

    private static bool ValidName(string name, NameRule rule) => rule == NameRule.Label
        ? name.Length <= 63 && LabelRegex().IsMatch(name)
        : name.Length <= 253 && SubdomainRegex().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex LabelRegex();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainRegex();

    private static void CheckTypeMeta(ResourceType type, JsonObject body)
    {
        var apiVersion = body["apiVersion"];
        var kind = body["kind"];
        if (apiVersion is not null && (apiVersion is not JsonValue av || av.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal apiVersion into Go struct field of type string");
        }

        if (kind is not null && (kind is not JsonValue kv || kv.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal kind into Go struct field of type string");
        }

        var av2 = apiVersion?.GetValue<string>();
        var k2 = kind?.GetValue<string>();
        if (!string.IsNullOrEmpty(av2) && av2 != type.ApiVersion)
        {
            throw StatusFactory.BadRequest($"the API version in the data ({av2}) does not match the expected API version ({type.ApiVersion})");
        }

        if (!string.IsNullOrEmpty(k2) && k2 != type.Kind)
        {
            throw StatusFactory.BadRequest($"the kind in the data ({k2}) does not match the expected kind ({type.Kind})");
        }

        body["apiVersion"] = type.ApiVersion;
        body["kind"] = type.Kind;
        CheckMetadataShape(body);
    }

    private static void CheckMetadataShape(JsonObject body)
    {
        if (body["metadata"] is { } m && m is not JsonObject)
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal " + SchemaValidator.TypeOf(m) + " into Go struct field .metadata of type v1.ObjectMeta");
        }

        if (body["metadata"] is not JsonObject meta)
        {
            return;
        }

        foreach (var key in new[] { "name", "namespace", "generateName", "resourceVersion", "uid" })
        {
            if (meta[key] is { } v && SchemaValidator.TypeOf(v) != "string")
            {
                throw StatusFactory.BadRequest($"json: cannot unmarshal {SchemaValidator.TypeOf(v)} into Go struct field ObjectMeta.metadata.{key} of type string");
            }
        }

        foreach (var key in new[] { "labels", "annotations" })
        {
            if (meta[key] is null)
            {
                continue;
            }

            if (meta[key] is not JsonObject map || map.Any(p => SchemaValidator.TypeOf(p.Value) != "string"))
            {
                throw StatusFactory.BadRequest($"json: cannot unmarshal into Go struct field ObjectMeta.metadata.{key} of type map[string]string");
            }
        }

        if (meta["finalizers"] is { } fin && (fin is not JsonArray fa || fa.Any(f => SchemaValidator.TypeOf(f) != "string")))
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal into Go struct field ObjectMeta.metadata.finalizers of type []string");
        }

        if (meta["ownerReferences"] is { } owners && (owners is not JsonArray oa || oa.Any(o => o is not JsonObject oo || SchemaValidator.TypeOf(oo["uid"]) != "string")))
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal into Go struct field ObjectMeta.metadata.ownerReferences of type []v1.OwnerReference");
        }

        if (meta["generation"] is { } g && SchemaValidator.TypeOf(g) != "integer")
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal into Go struct field ObjectMeta.metadata.generation of type int64");
        }

        foreach (var key in new[] { "creationTimestamp", "deletionTimestamp" })
        {
            if (meta[key] is { } ts && SchemaValidator.TypeOf(ts) is not ("string" or "null"))
            {
                throw StatusFactory.BadRequest($"json: cannot unmarshal into Go struct field ObjectMeta.metadata.{key} of type v1.Time");
            }
        }
    }

    private static void CheckNamespace(ResourceType type, string? ns, JsonObject meta)
    {
        if (type.Namespaced)
        {
            var bodyNs = meta["namespace"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw StatusFactory.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }
    }

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }

        if (obj["metadata"] is not null)
        {
            throw StatusFactory.BadRequest("json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta");
        }

        meta = new JsonObject();
        obj["metadata"] = meta;
        return meta;
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars);
    }
}
