package dev.trimtab.network.core.intent;

import static dev.trimtab.kube.IntentFields.quote;

import dev.trimtab.kube.IntentFields;
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

    private final List<String> problems;
    private final IntentFields fields;

    private NetworkIntentParser(List<String> problems) {
        this.problems = problems;
        this.fields = new IntentFields(problems);
    }

    static NetworkIntent.Parsed parse(List<Map<String, Object>> objects) {
        IntentFields.Read<NetworkIntent> read = IntentFields.read(
                objects,
                NetworkIntent.KIND,
                NetworkIntent.API_VERSION,
                (name, spec, problems) -> new NetworkIntentParser(problems).intent(name, spec));
        return new NetworkIntent.Parsed(read.intents(), read.errors());
    }

    private NetworkIntent intent(String name, Object rawSpec) {
        Map<?, ?> spec = fields.map(rawSpec, "spec", true);
        if (spec == null) {
            return null;
        }
        fields.known(spec, "spec", "mode", "rules");
        NetworkIntent.Mode mode = fields.mode(spec.get("mode"), NetworkIntent.Mode.Audit);
        if (spec.get("rules") == null) {
            problems.add("spec.rules: required");
        }
        List<IntentRule> rules = fields.rules(spec.get("rules"), this::rule);
        return new NetworkIntent(name, mode, rules);
    }

    private IntentRule rule(Object raw, String path) {
        Map<?, ?> m = fields.map(raw, path, true);
        if (m == null) {
            return null;
        }
        fields.known(m, path, "description", "defaultDeny", "onlyFrom", "deny");
        List<String> kinds = RULE_KINDS.stream().filter(m::containsKey).toList();
        if (kinds.size() != 1) {
            problems.add(path + ": got " + (kinds.isEmpty() ? "none" : String.join(" and ", kinds))
                    + ", want exactly one of " + String.join(", ", RULE_KINDS));
            return null;
        }
        String kind = kinds.get(0);
        Map<?, ?> body = fields.map(m.get(kind), path + "." + kind, true);
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
        fields.known(m, path, "namespaceSelector", "directions", "allowDNS");
        LabelSelector namespaces = selector(m.get("namespaceSelector"), path + ".namespaceSelector", true);
        Set<Direction> directions = EnumSet.noneOf(Direction.class);
        List<?> raw = fields.list(m.get("directions"), path + ".directions");
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
        fields.known(m, path, "to", "port", "protocol", "from");
        Map<?, ?> to = fields.map(m.get("to"), path + ".to", true);
        LabelSelector toNamespaces = null;
        LabelSelector toPods = null;
        if (to != null) {
            fields.known(to, path + ".to", "namespaceSelector", "podSelector");
            toNamespaces = selector(to.get("namespaceSelector"), path + ".to.namespaceSelector", false);
            toPods = selector(to.get("podSelector"), path + ".to.podSelector", true);
        }
        Port port = port(m.get("port"), m.get("protocol"), path);
        List<?> raw = fields.list(m.get("from"), path + ".from");
        if (m.get("from") == null) {
            problems.add(path + ".from: required (use [] to allow no source)");
        }
        List<IntentRule.Source> sources = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String p = path + ".from[" + i + "]";
            Map<?, ?> s = fields.map(raw.get(i), p, true);
            if (s == null) {
                continue;
            }
            fields.known(s, p, "namespaceSelector", "podSelector");
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
        if (!(number instanceof Number n)
                || n.doubleValue() != Math.rint(n.doubleValue())
                || n.longValue() < 1
                || n.longValue() > 65535) {
            problems.add(path + ".port: got " + quote(number) + ", want a port number in 1..65535");
            return null;
        }
        return new Port(n.intValue(), proto);
    }

    private IntentRule deny(Map<?, ?> m, String path) {
        fields.known(m, path, "from", "to");
        return new IntentRule.Deny(
                namespaceSide(m.get("from"), path + ".from"), namespaceSide(m.get("to"), path + ".to"));
    }

    private LabelSelector namespaceSide(Object raw, String path) {
        Map<?, ?> side = fields.map(raw, path, true);
        if (side == null) {
            return null;
        }
        fields.known(side, path, "namespaceSelector");
        return selector(side.get("namespaceSelector"), path + ".namespaceSelector", true);
    }

    private LabelSelector selector(Object raw, String path, boolean required) {
        if (raw == null) {
            if (required) {
                problems.add(path + ": required (use {} to select everything)");
            }
            return null;
        }
        return fields.selector(raw, path);
    }
}
