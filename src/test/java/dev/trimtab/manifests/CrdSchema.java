package dev.trimtab.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fields of an object that a CRD's structural schema does not declare, as the API server would
 * prune them (so a typo in a ScalingPolicy would silently vanish): every field of an object node
 * must be in {@code properties}, or match {@code additionalProperties}, unless the schema has
 * {@code x-kubernetes-preserve-unknown-fields: true}. {@code apiVersion}, {@code kind} and
 * {@code metadata} at the top are the API server's (metadata is checked with fabric8's ObjectMeta).
 */
final class CrdSchema {
    private CrdSchema() {}

    static void unknownFields(JsonNode value, JsonNode schema, String path, List<String> out) {
        if (schema == null
                || schema.isMissingNode()
                || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (value.isArray()) {
            int i = 0;
            for (JsonNode item : value) {
                unknownFields(item, schema.path("items"), path + "[" + i++ + "]", out);
            }
            return;
        }
        if (!value.isObject()) {
            return;
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            String at = path.isEmpty() ? name : path + "." + name;
            if (path.isEmpty() && List.of("apiVersion", "kind", "metadata").contains(name)) {
                continue;
            }
            if (properties.has(name)) {
                unknownFields(field.getValue(), properties.get(name), at, out);
            } else if (additional.isObject()) {
                unknownFields(field.getValue(), additional, at, out);
            } else if (!additional.asBoolean(false)) {
                out.add(at);
            }
        }
    }
}
