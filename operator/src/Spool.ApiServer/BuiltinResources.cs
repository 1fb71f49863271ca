namespace Spool.ApiServer;

/// <summary>The built-in kinds the embedded server serves. All of them are stored as generic JSON.</summary>
public static class BuiltinResources
{
    public static IReadOnlyList<ResourceType> All { get; } = Build();

    private static ResourceType T(string group, string version, string kind, string plural, bool namespaced, bool status = false, string[]? shortNames = null, string[]? categories = null, PrinterColumn[]? columns = null, string[]? fields = null, string[]? extra = null) => new()
    {
        Group = group,
        Version = version,
        Kind = kind,
        Plural = plural,
        Singular = kind.ToLowerInvariant(),
        Namespaced = namespaced,
        HasStatus = status,
        ShortNames = shortNames ?? [],
        Categories = categories ?? [],
        PrinterColumns = columns ?? [],
        SelectableFields = fields ?? [],
        ExtraSubresources = extra ?? [],
    };

    private static List<ResourceType> Build()
    {
        string[] all = ["all"];
        return
        [
            T("", "v1", "Namespace", "namespaces", false, true, ["ns"], columns: [new("Status", "string", ".status.phase")], fields: ["status.phase"], extra: ["finalize"]),
            T("", "v1", "Node", "nodes", false, true, ["no"], columns: [new("Version", "string", ".status.nodeInfo.kubeletVersion", Priority: 0)], fields: ["spec.unschedulable"]),
            T("", "v1", "Pod", "pods", true, true, ["po"], all,
                [new("Status", "string", ".status.phase"), new("IP", "string", ".status.podIP", Priority: 1), new("Node", "string", ".spec.nodeName", Priority: 1)],
                ["spec.nodeName", "status.phase", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName"],
                ["exec", "log", "eviction", "binding"]),
            T("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true, ["pvc"],
                columns: [new("Status", "string", ".status.phase"), new("Volume", "string", ".spec.volumeName"), new("StorageClass", "string", ".spec.storageClassName")]),
            T("", "v1", "PersistentVolume", "persistentvolumes", false, true, ["pv"],
                columns: [new("Status", "string", ".status.phase"), new("Claim", "string", ".spec.claimRef.name"), new("StorageClass", "string", ".spec.storageClassName")]),
            T("", "v1", "Secret", "secrets", true, columns: [new("Type", "string", ".type")], fields: ["type"]),
            T("", "v1", "ConfigMap", "configmaps", true, shortNames: ["cm"]),
            T("", "v1", "ServiceAccount", "serviceaccounts", true, shortNames: ["sa"]),
            T("", "v1", "Service", "services", true, true, ["svc"], all, [new("Type", "string", ".spec.type"), new("Cluster-IP", "string", ".spec.clusterIP")]),
            T("", "v1", "Endpoints", "endpoints", true, shortNames: ["ep"]),
            T("", "v1", "Event", "events", true, shortNames: ["ev"],
                columns: [new("Type", "string", ".type"), new("Reason", "string", ".reason"), new("Message", "string", ".message")],
                fields: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"]),
            T("", "v1", "ResourceQuota", "resourcequotas", true, true, ["quota"]),
            T("", "v1", "LimitRange", "limitranges", true, shortNames: ["limits"]),
            T("events.k8s.io", "v1", "Event", "events", true, shortNames: ["ev"],
                columns: [new("Type", "string", ".type"), new("Reason", "string", ".reason"), new("Note", "string", ".note")],
                fields: ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "reportingController", "type"]),
            T("coordination.k8s.io", "v1", "Lease", "leases", true, columns: [new("Holder", "string", ".spec.holderIdentity")]),
            T("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false, true,
                columns: [new("Attacher", "string", ".spec.attacher"), new("PV", "string", ".spec.source.persistentVolumeName"), new("Node", "string", ".spec.nodeName"), new("Attached", "boolean", ".status.attached")]),
            T("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, shortNames: ["sc"], columns: [new("Provisioner", "string", ".provisioner")]),
            T("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false),
            T("storage.k8s.io", "v1", "CSINode", "csinodes", false),
            T("apps", "v1", "Deployment", "deployments", true, true, ["deploy"], all,
                [new("Ready", "integer", ".status.readyReplicas"), new("Available", "integer", ".status.availableReplicas")]),
            T("apps", "v1", "DaemonSet", "daemonsets", true, true, ["ds"], all,
                [new("Desired", "integer", ".status.desiredNumberScheduled"), new("Ready", "integer", ".status.numberReady")]),
            T("apps", "v1", "StatefulSet", "statefulsets", true, true, ["sts"], all, [new("Ready", "integer", ".status.readyReplicas")]),
            T("apps", "v1", "ReplicaSet", "replicasets", true, true, ["rs"], all, [new("Ready", "integer", ".status.readyReplicas")]),
            T("apps", "v1", "ControllerRevision", "controllerrevisions", true),
            T("batch", "v1", "Job", "jobs", true, true, categories: all),
            T("batch", "v1", "CronJob", "cronjobs", true, true, ["cj"], all),
            T("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
            T("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
            T("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
            T("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
            T("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true, ["crd", "crds"], ["api-extensions"]),
            T("snapshot.storage.k8s.io", "v1", "VolumeSnapshot", "volumesnapshots", true, true, ["vs"],
                columns: [new("ReadyToUse", "boolean", ".status.readyToUse"), new("SourcePVC", "string", ".spec.source.persistentVolumeClaimName")]),
            T("snapshot.storage.k8s.io", "v1", "VolumeSnapshotContent", "volumesnapshotcontents", false, true, ["vsc", "vscs"],
                columns: [new("ReadyToUse", "boolean", ".status.readyToUse"), new("Driver", "string", ".spec.driver")]),
            T("snapshot.storage.k8s.io", "v1", "VolumeSnapshotClass", "volumesnapshotclasses", false, shortNames: ["vsclass", "vsclasses"],
                columns: [new("Driver", "string", ".driver"), new("DeletionPolicy", "string", ".deletionPolicy")]),
            T("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true, ["pdb"]),
            T("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, shortNames: ["netpol"]),
            T("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, shortNames: ["pc"]),
            T("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false),
            T("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false),
        ];
    }
}
