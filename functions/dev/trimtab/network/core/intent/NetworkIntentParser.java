package dev.trimtab.network.core.intent;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads NetworkIntents from map trees. Every problem of an intent is reported, naming the intent
 * and the field path ({@code NetworkIntent metrics: spec.rules[0].onlyFrom.port: required}); an
 * intent with a problem is left out whole (half an intent could allow what the whole forbids).
 * Unknown fields are errors: a misspelt {@code allowDns} must not pass silently.
 */
final class NetworkIntentParser {
    private static final List<String> RULE_KINDS = List.of("defaultDeny", "onlyFrom", "deny");

    private final List<String> problems = new ArrayList<>();

    private NetworkIntentParser() {}

    static NetworkIntent.Parsed parse(List<Map<String, Object>> objects) {
        List<NetworkIntent> intents = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            if (!NetworkIntent.KIND.equals(o.get("kind")) || !(o.get("apiVersion") instanceof String v)
                    || !v.startsWith("trimtab.dev/")) {
                continue;
            }
            Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
            String name = meta.get("name") instanceof String n && !n.isEmpty() ? n : null;
            NetworkIntentParser p = new NetworkIntentParser();
            if (!NetworkIntent.API_VERSION.equals(v)) {
                p.problems.add("apiVersion: got \"" + v + "\", want \"" + NetworkIntent.API_VERSION + "\"");
            }
            if (name == null) {
                p.problems.add("metadata.name: required");
            }
            NetworkIntent intent = p.intent(name, o.get("spec"));
            if (p.problems.isEmpty()) {
                intents.add(intent);
            }
            p.problems.forEach(e -> errors.add(NetworkIntent.KIND + " " + (name == null ? "?" : name) + ": " + e));
        }
        return new NetworkIntent.Parsed(intents, errors);
    }

    private NetworkIntent intent(String name, Object rawSpec) {
        Map<?, ?> spec = map(rawSpec, "spec", true);
        if (spec == null) {
            return null;
        }
        known(spec, "spec", "mode", "rules");
        NetworkIntent.Mode mode = NetworkIntent.Mode.Audit;
        if (spec.get("mode") != null) {
            try {
                mode = NetworkIntent.Mode.valueOf(String.valueOf(spec.get("mode")));
            } catch (IllegalArgumentException e) {
                problems.add("spec.mode: got " + quote(spec.get("mode")) + ", want Audit or Enforce");
            }
        }
        if (spec.get("rules") == null) {
            problems.add("spec.rules: required");
        }
        List<?> raw = list(spec.get("rules"), "spec.rules");
        if (raw.isEmpty() && spec.get("rules") instanceof List<?>) {
            problems.add("spec.rules: must not be empty");
        }
        List<IntentRule> rules = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            IntentRule r = rule(raw.get(i), "spec.rules[" + i + "]");
            if (r != null) {
                rules.add(r);
            }
        }
        return new NetworkIntent(name, mode, rules);
    }

    private IntentRule rule(Object raw, String path) {
        Map<?, ?> m = map(raw, path, true);
        if (m == null) {
            return null;
        }
        known(m, path, "description", "defaultDeny", "onlyFrom", "deny");
        List<String> kinds = RULE_KINDS.stream().filter(m::containsKey).toList();
        if (kinds.size() != 1) {
            problems.add(path + ": got " + (kinds.isEmpty() ? "none" : String.join(" and ", kinds))
                    + ", want exactly one of " + String.join(", ", RULE_KINDS));
            return null;
        }
        String kind = kinds.get(0);
        Map<?, ?> body = map(m.get(kind), path + "." + kind, true);
        if (body == null) {
            return null;
        }
        return switch (kind) {
            case "defaultDeny" -> defaultDeny(body, path + ".defaultDeny");
            case "onlyFrom" -> onlyFrom(body, path + ".onlyFrom");
            default -> deny(body, path + ".deny");
        };
    }

    private IntentRule defaultDeny(Map<?, ?> m, String path) {
        known(m, path, "namespaceSelector", "directions", "allowDNS");
        LabelSelector namespaces = selector(m.get("namespaceSelector"), path + ".namespaceSelector", true);
        Set<Direction> directions = EnumSet.noneOf(Direction.class);
        List<?> raw = list(m.get("directions"), path + ".directions");
        if (raw.isEmpty()) {
            problems.add(path + ".directions: required, want one or both of Ingress, Egress");
        }
        for (int i = 0; i < raw.size(); i++) {
            Object d = raw.get(i);
            if ("Ingress".equals(d) || "Egress".equals(d)) {
                directions.add(Direction.valueOf((String) d));
            } else {
                problems.add(path + ".directions[" + i + "]: got " + quote(d) + ", want Ingress or Egress");
            }
        }
        Object dns = m.get("allowDNS");
        if (dns != null && !(dns instanceof Boolean)) {
            problems.add(path + ".allowDNS: got " + quote(dns) + ", want true or false");
        }
        return new IntentRule.DefaultDeny(namespaces, directions, !Boolean.FALSE.equals(dns));
    }

    private IntentRule onlyFrom(Map<?, ?> m, String path) {
        known(m, path, "to", "port", "protocol", "from");
        Map<?, ?> to = map(m.get("to"), path + ".to", true);
        LabelSelector toNamespaces = null;
        LabelSelector toPods = null;
        if (to != null) {
            known(to, path + ".to", "namespaceSelector", "podSelector");
            toNamespaces = selector(to.get("namespaceSelector"), path + ".to.namespaceSelector", false);
            toPods = selector(to.get("podSelector"), path + ".to.podSelector", true);
        }
        Port port = port(m.get("port"), m.get("protocol"), path);
        List<?> raw = list(m.get("from"), path + ".from");
        if (m.get("from") == null) {
            problems.add(path + ".from: required (use [] to allow no source)");
        }
        List<IntentRule.Source> sources = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String p = path + ".from[" + i + "]";
            Map<?, ?> s = map(raw.get(i), p, true);
            if (s == null) {
                continue;
            }
            known(s, p, "namespaceSelector", "podSelector");
            LabelSelector ns = selector(s.get("namespaceSelector"), p + ".namespaceSelector", false);
            LabelSelector pods = selector(s.get("podSelector"), p + ".podSelector", false);
            if (s.get("namespaceSelector") == null && s.get("podSelector") == null) {
                problems.add(p + ": want a namespaceSelector, a podSelector or both");
            }
            sources.add(new IntentRule.Source(ns, pods));
        }
        return new IntentRule.OnlyFrom(toNamespaces, toPods, port, sources);
    }

    private Port port(Object number, Object protocol, String path) {
        Protocol proto = Protocol.TCP;
        try {
            proto = Protocol.parse(protocol, path + ".protocol");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (number == null) {
            problems.add(path + ".port: required");
            return null;
        }
        if (!(number instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.longValue() < 1 || n.longValue() > 65535) {
            problems.add(path + ".port: got " + quote(number) + ", want a port number in 1..65535");
            return null;
        }
        return new Port(n.intValue(), proto);
    }

    private IntentRule deny(Map<?, ?> m, String path) {
        known(m, path, "from", "to");
        return new IntentRule.Deny(namespaceSide(m.get("from"), path + ".from"),
                namespaceSide(m.get("to"), path + ".to"));
    }

    private LabelSelector namespaceSide(Object raw, String path) {
        Map<?, ?> side = map(raw, path, true);
        if (side == null) {
            return null;
        }
        known(side, path, "namespaceSelector");
        return selector(side.get("namespaceSelector"), path + ".namespaceSelector", true);
    }

    private LabelSelector selector(Object raw, String path, boolean required) {
        if (raw == null) {
            if (required) {
                problems.add(path + ": required (use {} to select everything)");
            }
            return null;
        }
        try {
            return LabelSelector.fromMap(raw, path);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private Map<?, ?> map(Object raw, String path, boolean required) {
        if (raw instanceof Map<?, ?> m) {
            return m;
        }
        if (raw != null) {
            problems.add(path + ": got " + quote(raw) + ", want an object");
        } else if (required) {
            problems.add(path + ": required");
        }
        return null;
    }

    private void known(Map<?, ?> m, String path, String... fields) {
        List<String> allowed = List.of(fields);
        for (Object k : m.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                problems.add(path + "." + k + ": unknown field, want one of " + String.join(", ", allowed));
            }
        }
    }

    private List<?> list(Object raw, String path) {
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof List<?> l) {
            return l;
        }
        problems.add(path + ": got " + quote(raw) + ", want a list");
        return List.of();
    }

    private static String quote(Object o) {
        return o instanceof String s ? "\"" + s + "\"" : String.valueOf(o);
    }
}
