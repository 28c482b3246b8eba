package dev.trimtab.network.core.intent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads {@code network/intents/*.yaml} and writes violations and changes in the compact forms of those files. */
final class IntentData {
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private IntentData() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String file) {
        try (InputStream in = IntentData.class.getResourceAsStream("/network/intents/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource network/intents/" + file);
            }
            return YAML.readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> list(Object o) {
        return o == null ? List.of() : (List<T>) o;
    }

    /** {@code intent[rule] Code from -> to port | policies}, the direction left open, or the isolating direction. */
    static String key(IntentViolation v) {
        Set<String> policies = new LinkedHashSet<>();
        if (v.code() == IntentViolation.Code.AllowedFlow) {
            v.allowedBy().forEach(r -> policies.add(r.policy()));
        } else {
            policies.addAll(v.blockedBy());
        }
        String fault = v.code() == IntentViolation.Code.NotIsolated
                ? v.direction().name()
                : !policies.isEmpty()
                        ? String.join(", ", policies)
                        : v.direction() != null ? v.direction().name().toLowerCase(Locale.ROOT) + " open" : "-";
        return v.intent() + "[" + v.ruleIndex() + "] " + v.code() + " " + v.flow() + " | " + fault;
    }

    static String key(PolicyChange c) {
        return c.action() + " " + c.key();
    }

    /** {@code objects} with {@code changes} applied, as the live function would leave the cluster. */
    static List<Map<String, Object>> apply(List<Map<String, Object>> objects, List<PolicyChange> changes) {
        List<Map<String, Object>> out = new ArrayList<>(objects);
        for (PolicyChange c : changes) {
            out.removeIf(o -> "NetworkPolicy".equals(o.get("kind")) && key(o).equals(c.key()));
            if (c.action() != PolicyChange.Action.delete) {
                out.add(c.policy());
            }
        }
        return out;
    }

    static String key(Map<String, Object> policy) {
        Map<?, ?> meta = (Map<?, ?>) policy.get("metadata");
        Object ns = meta.get("namespace");
        return (ns == null ? "default" : ns) + "/" + meta.get("name");
    }
}
