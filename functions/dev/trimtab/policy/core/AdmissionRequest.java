package dev.trimtab.policy.core;

import dev.cel.common.values.NullValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an admission decision is about: the fields of an {@code AdmissionReview v1} request that
 * policies can see. {@code object} is null on DELETE, {@code oldObject} on CREATE; both are
 * JSON-shaped maps (numbers as {@code Long} or {@code Double}).
 */
public record AdmissionRequest(
        String uid,
        Gvk kind,
        Gvr resource,
        String subResource,
        Gvk requestKind,
        Gvr requestResource,
        String requestSubResource,
        String name,
        String namespace,
        String operation,
        UserInfo userInfo,
        boolean dryRun,
        Object options,
        Map<String, Object> object,
        Map<String, Object> oldObject) {

    /** Group, version, kind. The core group is "". */
    public record Gvk(String group, String version, String kind) {
        Map<String, Object> toMap() {
            return Map.of("group", group, "version", version, "kind", kind);
        }
    }

    /** Group, version, resource (plural). The core group is "". */
    public record Gvr(String group, String version, String resource) {
        Map<String, Object> toMap() {
            return Map.of("group", group, "version", version, "resource", resource);
        }
    }

    public record UserInfo(String username, String uid, List<String> groups, Map<String, List<String>> extra) {
        /** A service account's user ({@code system:serviceaccount:NS:NAME}) with the groups its tokens carry. */
        public static UserInfo serviceAccount(String username) {
            String[] parts = username.split(":");
            String namespace = parts.length == 4 ? parts[2] : "";
            return new UserInfo(
                    username,
                    "",
                    List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"),
                    Map.of());
        }

        Map<String, Object> toMap() {
            return Map.of("username", username, "uid", uid, "groups", groups, "extra", extra);
        }
    }

    public AdmissionRequest {
        subResource = subResource == null ? "" : subResource;
        requestSubResource = requestSubResource == null ? subResource : requestSubResource;
        requestKind = requestKind == null ? kind : requestKind;
        requestResource = requestResource == null ? resource : requestResource;
        name = name == null ? "" : name;
        namespace = namespace == null ? "" : namespace;
        userInfo = userInfo == null ? new UserInfo("", "", List.of(), Map.of()) : userInfo;
    }

    /** The same request about another version of the object (a mutation's result). */
    public AdmissionRequest withObject(Map<String, Object> newObject) {
        return new AdmissionRequest(
                uid,
                kind,
                resource,
                subResource,
                requestKind,
                requestResource,
                requestSubResource,
                name,
                namespace,
                operation,
                userInfo,
                dryRun,
                options,
                newObject,
                oldObject);
    }

    /**
     * This request as a policy that matched it as {@code m} sees it: {@code kind} and
     * {@code resource} the matched ones, the objects converted to that version; the request's own
     * kind and resource stay in {@code requestKind} and {@code requestResource}.
     *
     * @throws EquivalentResources.ConversionException when the objects cannot be converted here
     */
    public AdmissionRequest seenAs(MatchResources.Match m, EquivalentResources equivalents) {
        if (m.resource().equals(resource) && m.kind().equals(kind)) {
            return this;
        }
        return new AdmissionRequest(
                uid,
                m.kind(),
                m.resource(),
                subResource,
                requestKind,
                requestResource,
                requestSubResource,
                name,
                namespace,
                operation,
                userInfo,
                dryRun,
                options,
                equivalents.convert(object, resource, kind, m.resource(), m.kind()),
                equivalents.convert(oldObject, resource, kind, m.resource(), m.kind()));
    }

    /** A request on a v1 Namespace object (it carries its own name as its namespace). */
    public boolean onNamespace() {
        return kind.group().isEmpty()
                && kind.version().equals("v1")
                && kind.kind().equals("Namespace");
    }

    /** The CEL {@code request} variable, as the API server builds it (no uid, object or oldObject). */
    Map<String, Object> celRequest() {
        HashMap<String, Object> m = new HashMap<>();
        m.put("kind", kind.toMap());
        m.put("resource", resource.toMap());
        m.put("subResource", subResource);
        m.put("requestKind", requestKind.toMap());
        m.put("requestResource", requestResource.toMap());
        m.put("requestSubResource", requestSubResource);
        m.put("name", name);
        m.put("namespace", namespace);
        m.put("operation", operation);
        m.put("userInfo", userInfo.toMap());
        m.put("dryRun", dryRun);
        m.put("options", options == null ? NullValue.NULL_VALUE : options);
        return m;
    }
}
