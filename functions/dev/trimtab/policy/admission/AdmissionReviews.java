package dev.trimtab.policy.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.PolicyDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code AdmissionReview} ({@code admission.k8s.io/v1}) in and out. */
public final class AdmissionReviews {
    public static final String API_VERSION = "admission.k8s.io/v1";
    /** JSON in and out, integers as Long (CEL's int). */
    public static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    private AdmissionReviews() {}

    /** @throws IllegalArgumentException naming every missing or wrong field */
    @SuppressWarnings("unchecked")
    public static AdmissionRequest request(JsonNode review) {
        List<String> problems = new ArrayList<>();
        if (review == null || !review.isObject()) {
            throw new IllegalArgumentException("AdmissionReview: got " + review + ", expected a JSON object");
        }
        if (!API_VERSION.equals(review.path("apiVersion").asText())
                || !"AdmissionReview".equals(review.path("kind").asText())) {
            problems.add("apiVersion/kind: got " + review.get("apiVersion") + "/" + review.get("kind") + ", expected "
                    + API_VERSION + "/AdmissionReview");
        }
        JsonNode r = review.path("request");
        if (!r.isObject()) {
            problems.add("request: " + (r.isMissingNode() ? "missing" : "got " + r) + ", an object is required");
            throw new IllegalArgumentException("AdmissionReview: " + String.join("; ", problems));
        }
        String uid = text(r, "uid", problems, true);
        String operation = text(r, "operation", problems, true);
        if (operation != null && !OPERATIONS.contains(operation)) {
            problems.add("request.operation: got \"" + operation + "\", expected CREATE, UPDATE, DELETE or CONNECT");
        }
        AdmissionRequest.Gvk kind = gvk(r.path("kind"), "request.kind", problems, true);
        AdmissionRequest.Gvr resource = gvr(r.path("resource"), "request.resource", problems, true);
        // optional, but never silently replaced by kind/resource when present and malformed
        AdmissionRequest.Gvk requestKind =
                r.hasNonNull("requestKind") ? gvk(r.get("requestKind"), "request.requestKind", problems, false) : null;
        AdmissionRequest.Gvr requestResource = r.hasNonNull("requestResource")
                ? gvr(r.get("requestResource"), "request.requestResource", problems, false)
                : null;
        Map<String, Object> object = object(r, "object", problems);
        Map<String, Object> oldObject = object(r, "oldObject", problems);
        JsonNode u = r.path("userInfo");
        List<String> groups = new ArrayList<>();
        u.path("groups").forEach(g -> groups.add(g.asText()));
        Map<String, List<String>> extra = new LinkedHashMap<>();
        u.path("extra").fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            extra.put(e.getKey(), values);
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "AdmissionReview " + (uid == null ? "" : uid + " ") + "is invalid: " + String.join("; ", problems));
        }
        return new AdmissionRequest(
                uid,
                kind,
                resource,
                r.path("subResource").asText(""),
                requestKind,
                requestResource,
                r.hasNonNull("requestSubResource") ? r.get("requestSubResource").asText() : null,
                r.path("name").asText(""),
                r.path("namespace").asText(""),
                operation,
                new AdmissionRequest.UserInfo(
                        u.path("username").asText(""), u.path("uid").asText(""), groups, extra),
                r.path("dryRun").asBoolean(false),
                r.hasNonNull("options") ? PolicyDirectory.YAML.convertValue(r.get("options"), Map.class) : null,
                object,
                oldObject);
    }

    /** The webhook's answer for {@code uid}. */
    public static ObjectNode response(String uid, PolicyEngine.Verdict v) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", API_VERSION);
        review.put("kind", "AdmissionReview");
        ObjectNode response = review.putObject("response");
        response.put("uid", uid);
        response.put("allowed", v.allowed());
        if (!v.allowed()) {
            ObjectNode status = response.putObject("status");
            status.put("code", v.code());
            status.put("reason", v.reason());
            status.put("message", v.message());
        }
        if (!v.warnings().isEmpty()) {
            v.warnings().forEach(response.putArray("warnings")::add);
        }
        if (!v.auditAnnotations().isEmpty()) {
            ObjectNode a = response.putObject("auditAnnotations");
            v.auditAnnotations().forEach(a::put);
        }
        return review;
    }

    /** The mutating webhook's answer for {@code uid}: the JSON patch, or the denial. */
    public static ObjectNode response(String uid, MutationEngine.Outcome m) {
        return response(uid, m, null);
    }

    /**
     * Both webhooks' answers in one, as {@code policy review} prints them: a mutation's denial, else
     * the validation's verdict on the mutated object ({@code v}, null for the mutation alone) with
     * the mutation's patch.
     */
    public static ObjectNode response(String uid, MutationEngine.Outcome m, PolicyEngine.Verdict v) {
        ObjectNode review;
        if (!m.allowed() || v == null) {
            review = response(
                    uid,
                    new PolicyEngine.Verdict(
                            m.allowed(), m.code(), m.reason(), m.message(), List.of(), Map.of(), List.of()));
        } else {
            review = response(uid, v);
        }
        if (m.allowed() && m.changed() && (v == null || v.allowed())) {
            ObjectNode response = (ObjectNode) review.get("response");
            response.put("patchType", "JSONPatch");
            try {
                response.put("patch", JSON.writeValueAsBytes(m.patch()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return review;
    }

    private static String text(JsonNode r, String field, List<String> problems, boolean required) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull() || !v.isTextual() || (required && v.asText().isEmpty())) {
            if (required) {
                problems.add(
                        "request." + field + ": " + (v == null ? "missing" : "got " + v) + ", a string is required");
            }
            return null;
        }
        return v.asText();
    }

    private static AdmissionRequest.Gvk gvk(JsonNode n, String path, List<String> problems, boolean required) {
        if (!n.isObject()
                || n.path("version").asText("").isEmpty()
                || n.path("kind").asText("").isEmpty()) {
            if (required || !n.isMissingNode()) {
                problems.add(path + ": " + (n.isMissingNode() ? "missing" : "got " + n)
                        + ", {group, version, kind} is required");
            }
            return null;
        }
        return new AdmissionRequest.Gvk(
                n.path("group").asText(""),
                n.get("version").asText(),
                n.get("kind").asText());
    }

    private static AdmissionRequest.Gvr gvr(JsonNode n, String path, List<String> problems, boolean required) {
        if (!n.isObject()
                || n.path("version").asText("").isEmpty()
                || n.path("resource").asText("").isEmpty()) {
            if (required || !n.isMissingNode()) {
                problems.add(path + ": " + (n.isMissingNode() ? "missing" : "got " + n)
                        + ", {group, version, resource} is required");
            }
            return null;
        }
        return new AdmissionRequest.Gvr(
                n.path("group").asText(""),
                n.get("version").asText(),
                n.get("resource").asText());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonNode r, String field, List<String> problems) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            problems.add("request." + field + ": got " + v + ", an object is required");
            return null;
        }
        return PolicyDirectory.YAML.convertValue(v, Map.class);
    }
}
