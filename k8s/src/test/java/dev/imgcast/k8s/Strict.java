package dev.imgcast.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Unknown fields. The schema validator (kubernetes-models, like the Kubernetes OpenAPI spec) lets
 * unknown fields through, and so would a client-side apply: a misspelt {@code readinesProbe}
 * would silently be dropped by the API server (or refused only with --validate=strict against a
 * cluster). This walks the parts of the core kinds that the deployment uses and reports any field
 * that Kubernetes 1.32 does not define there. Custom resources (PodMonitor) and the places named
 * "open" below are not walked; for them the semantic checks of {@link Wiring} assert the fields we
 * rely on.
 */
final class Strict {
    private record Field(String type, boolean array) {
    }

    private static final Map<String, Map<String, Field>> TYPES = new HashMap<>();
    private static final Map<String, String> ROOTS = Map.of(
            "Namespace", "NamespaceRoot", "ConfigMap", "ConfigMapRoot", "Secret", "SecretRoot", "Service", "ServiceRoot",
            "Deployment", "DeploymentRoot", "StatefulSet", "StatefulSetRoot", "DaemonSet", "DaemonSetRoot",
            "PodDisruptionBudget", "PDBRoot", "PodMonitor", "MonitorRoot", "ServiceMonitor", "MonitorRoot");
    private static final Pattern RESOURCE_NAME = Pattern.compile("cpu|memory|ephemeral-storage|storage|hugepages-.+|.+/.+");

    /** "f" a value not walked, "f:T" an object of type T, "f[]:T" a list of T. */
    private static void type(String name, String... fields) {
        Map<String, Field> m = new HashMap<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon < 0) {
                m.put(f, new Field(null, false));
            } else if (f.substring(0, colon).endsWith("[]")) {
                m.put(f.substring(0, colon - 2), new Field(f.substring(colon + 1), true));
            } else {
                m.put(f.substring(0, colon), new Field(f.substring(colon + 1), false));
            }
        }
        TYPES.put(name, m);
    }

    static {
        type("NamespaceRoot", "apiVersion", "kind", "metadata:ObjectMeta", "spec", "status");
        type("ConfigMapRoot", "apiVersion", "kind", "metadata:ObjectMeta", "data", "binaryData", "immutable");
        type("SecretRoot", "apiVersion", "kind", "metadata:ObjectMeta", "data", "stringData", "type", "immutable");
        type("ServiceRoot", "apiVersion", "kind", "metadata:ObjectMeta", "spec:ServiceSpec", "status");
        type("DeploymentRoot", "apiVersion", "kind", "metadata:ObjectMeta", "spec:DeploymentSpec", "status");
        type("StatefulSetRoot", "apiVersion", "kind", "metadata:ObjectMeta", "spec:StatefulSetSpec", "status");
        type("DaemonSetRoot", "apiVersion", "kind", "metadata:ObjectMeta", "spec:DaemonSetSpec", "status");
        type("PDBRoot", "apiVersion", "kind", "metadata:ObjectMeta", "spec:PDBSpec", "status");
        type("MonitorRoot", "apiVersion", "kind", "metadata:ObjectMeta", "spec"); // spec: open (CRD)
        type("ObjectMeta", "annotations", "labels", "name", "namespace", "generateName", "finalizers", "ownerReferences",
                "creationTimestamp", "deletionGracePeriodSeconds", "deletionTimestamp", "generation", "managedFields",
                "resourceVersion", "selfLink", "uid");
        type("ServiceSpec", "allocateLoadBalancerNodePorts", "clusterIP", "clusterIPs", "externalIPs", "externalName",
                "externalTrafficPolicy", "healthCheckNodePort", "internalTrafficPolicy", "ipFamilies", "ipFamilyPolicy",
                "loadBalancerClass", "loadBalancerIP", "loadBalancerSourceRanges", "ports[]:ServicePort",
                "publishNotReadyAddresses", "selector", "sessionAffinity", "sessionAffinityConfig", "trafficDistribution",
                "type");
        type("ServicePort", "appProtocol", "name", "nodePort", "port", "protocol", "targetPort");
        type("DeploymentSpec", "minReadySeconds", "paused", "progressDeadlineSeconds", "replicas", "revisionHistoryLimit",
                "selector:LabelSelector", "strategy:DeploymentStrategy", "template:PodTemplateSpec");
        type("DeploymentStrategy", "rollingUpdate:RollingUpdateDeployment", "type");
        type("RollingUpdateDeployment", "maxSurge", "maxUnavailable");
        type("StatefulSetSpec", "minReadySeconds", "ordinals", "persistentVolumeClaimRetentionPolicy:PVCRetention",
                "podManagementPolicy", "replicas", "revisionHistoryLimit", "selector:LabelSelector", "serviceName",
                "template:PodTemplateSpec", "updateStrategy:StatefulSetUpdateStrategy", "volumeClaimTemplates[]:PVCTemplate");
        type("PVCRetention", "whenDeleted", "whenScaled");
        type("StatefulSetUpdateStrategy", "rollingUpdate:RollingUpdateStatefulSet", "type");
        type("RollingUpdateStatefulSet", "maxUnavailable", "partition");
        type("DaemonSetSpec", "minReadySeconds", "revisionHistoryLimit", "selector:LabelSelector", "template:PodTemplateSpec",
                "updateStrategy");
        type("PDBSpec", "maxUnavailable", "minAvailable", "selector:LabelSelector", "unhealthyPodEvictionPolicy");
        type("PVCTemplate", "apiVersion", "kind", "metadata:ObjectMeta", "spec:PVCSpec", "status");
        type("PVCSpec", "accessModes", "dataSource", "dataSourceRef", "resources:VolumeResources", "selector:LabelSelector",
                "storageClassName", "volumeAttributesClassName", "volumeMode", "volumeName");
        type("VolumeResources", "limits:ResourceList", "requests:ResourceList");
        type("PodTemplateSpec", "metadata:ObjectMeta", "spec:PodSpec");
        type("PodSpec", "activeDeadlineSeconds", "affinity:Affinity", "automountServiceAccountToken", "containers[]:Container",
                "dnsConfig", "dnsPolicy", "enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC",
                "hostNetwork", "hostPID", "hostUsers", "hostname", "imagePullSecrets", "initContainers[]:Container",
                "nodeName", "nodeSelector", "os", "overhead", "preemptionPolicy", "priority", "priorityClassName",
                "readinessGates", "resourceClaims", "resources", "restartPolicy", "runtimeClassName", "schedulerName",
                "schedulingGates", "securityContext:PodSecurityContext", "serviceAccount", "serviceAccountName",
                "setHostnameAsFQDN", "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds",
                "tolerations[]:Toleration", "topologySpreadConstraints[]:TopologySpreadConstraint", "volumes[]:Volume");
        type("Container", "args", "command", "env[]:EnvVar", "envFrom[]:EnvFromSource", "image", "imagePullPolicy",
                "lifecycle:Lifecycle", "livenessProbe:Probe", "name", "ports[]:ContainerPort", "readinessProbe:Probe",
                "resizePolicy", "resources:ResourceRequirements", "restartPolicy", "securityContext:SecurityContext",
                "startupProbe:Probe", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty",
                "volumeDevices", "volumeMounts[]:VolumeMount", "workingDir");
        type("Probe", "exec:ExecAction", "failureThreshold", "grpc", "httpGet:HTTPGetAction", "initialDelaySeconds",
                "periodSeconds", "successThreshold", "tcpSocket:TCPSocketAction", "terminationGracePeriodSeconds",
                "timeoutSeconds");
        type("ExecAction", "command");
        type("HTTPGetAction", "host", "httpHeaders", "path", "port", "scheme");
        type("TCPSocketAction", "host", "port");
        type("Lifecycle", "postStart:LifecycleHandler", "preStop:LifecycleHandler", "stopSignal");
        type("LifecycleHandler", "exec:ExecAction", "httpGet:HTTPGetAction", "sleep", "tcpSocket:TCPSocketAction");
        type("ResourceRequirements", "claims", "limits:ResourceList", "requests:ResourceList");
        type("EnvVar", "name", "value", "valueFrom:EnvVarSource");
        type("EnvVarSource", "configMapKeyRef:KeySelector", "fieldRef:ObjectFieldSelector",
                "resourceFieldRef:ResourceFieldSelector", "secretKeyRef:KeySelector");
        type("KeySelector", "key", "name", "optional");
        type("ObjectFieldSelector", "apiVersion", "fieldPath");
        type("ResourceFieldSelector", "containerName", "divisor", "resource");
        type("EnvFromSource", "configMapRef:EnvSourceRef", "prefix", "secretRef:EnvSourceRef");
        type("EnvSourceRef", "name", "optional");
        type("ContainerPort", "containerPort", "hostIP", "hostPort", "name", "protocol");
        type("VolumeMount", "mountPath", "mountPropagation", "name", "readOnly", "recursiveReadOnly", "subPath", "subPathExpr");
        type("SecurityContext", "allowPrivilegeEscalation", "appArmorProfile", "capabilities:Capabilities", "privileged",
                "procMount", "readOnlyRootFilesystem", "runAsGroup", "runAsNonRoot", "runAsUser", "seLinuxOptions",
                "seccompProfile:SeccompProfile", "windowsOptions");
        type("Capabilities", "add", "drop");
        type("SeccompProfile", "localhostProfile", "type");
        type("PodSecurityContext", "appArmorProfile", "fsGroup", "fsGroupChangePolicy", "runAsGroup", "runAsNonRoot",
                "runAsUser", "seLinuxChangePolicy", "seLinuxOptions", "seccompProfile:SeccompProfile", "supplementalGroups",
                "supplementalGroupsPolicy", "sysctls", "windowsOptions");
        type("Affinity", "nodeAffinity:NodeAffinity", "podAffinity:PodAffinity", "podAntiAffinity:PodAffinity");
        type("PodAffinity", "preferredDuringSchedulingIgnoredDuringExecution[]:WeightedPodAffinityTerm",
                "requiredDuringSchedulingIgnoredDuringExecution[]:PodAffinityTerm");
        type("WeightedPodAffinityTerm", "podAffinityTerm:PodAffinityTerm", "weight");
        type("PodAffinityTerm", "labelSelector:LabelSelector", "matchLabelKeys", "mismatchLabelKeys",
                "namespaceSelector:LabelSelector", "namespaces", "topologyKey");
        type("NodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution[]:PreferredSchedulingTerm",
                "requiredDuringSchedulingIgnoredDuringExecution:NodeSelector");
        type("PreferredSchedulingTerm", "preference:NodeSelectorTerm", "weight");
        type("NodeSelector", "nodeSelectorTerms[]:NodeSelectorTerm");
        type("NodeSelectorTerm", "matchExpressions[]:Requirement", "matchFields[]:Requirement");
        type("Requirement", "key", "operator", "values");
        type("LabelSelector", "matchExpressions[]:Requirement", "matchLabels");
        type("Toleration", "effect", "key", "operator", "tolerationSeconds", "value");
        type("TopologySpreadConstraint", "labelSelector:LabelSelector", "matchLabelKeys", "maxSkew", "minDomains",
                "nodeAffinityPolicy", "nodeTaintsPolicy", "topologyKey", "whenUnsatisfiable");
        type("Volume", "name", "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder",
                "configMap:ConfigMapVolumeSource", "csi", "downwardAPI", "emptyDir:EmptyDirVolumeSource", "ephemeral", "fc",
                "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "image", "iscsi", "nfs",
                "persistentVolumeClaim:PVCVolumeSource", "photonPersistentDisk", "portworxVolume", "projected", "quobyte",
                "rbd", "scaleIO", "secret:SecretVolumeSource", "storageos", "vsphereVolume");
        type("ConfigMapVolumeSource", "defaultMode", "items[]:KeyToPath", "name", "optional");
        type("SecretVolumeSource", "defaultMode", "items[]:KeyToPath", "optional", "secretName");
        type("KeyToPath", "key", "mode", "path");
        type("EmptyDirVolumeSource", "medium", "sizeLimit");
        type("PVCVolumeSource", "claimName", "readOnly");
    }

    private Strict() {
    }

    /** One line per unknown field, e.g. "Deployment/x: unknown field spec.template.spec.containers[0].readinesProbe". */
    static List<String> unknownFields(Rendering r) {
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : r.docs) {
            String root = ROOTS.get(Rendering.kind(doc));
            if (root != null) {
                walk(doc, root, "", Rendering.id(doc), problems);
            }
        }
        return problems;
    }

    private static void walk(JsonNode node, String type, String path, String doc, List<String> problems) {
        if (!node.isObject()) {
            return; // wrong types are the schema validator's to report
        }
        if (type.equals("ResourceList")) {
            node.fieldNames().forEachRemaining(k -> {
                if (!RESOURCE_NAME.matcher(k).matches()) {
                    problems.add(doc + ": unknown resource name " + path + "." + k + " (cpu, memory, ephemeral-storage, ...)");
                }
            });
            return;
        }
        Map<String, Field> fields = TYPES.get(type);
        if (fields == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            Field f = fields.get(e.getKey());
            if (f == null) {
                problems.add(doc + ": unknown field " + at);
            } else if (f.type() != null) {
                if (f.array() && e.getValue().isArray()) {
                    for (int i = 0; i < e.getValue().size(); i++) {
                        walk(e.getValue().get(i), f.type(), at + "[" + i + "]", doc, problems);
                    }
                } else if (!f.array()) {
                    walk(e.getValue(), f.type(), at, doc, problems);
                }
            }
        }
    }
}
