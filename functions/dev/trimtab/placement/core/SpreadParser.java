package dev.trimtab.placement.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parses {@code spec.topologySpreadConstraints} with upstream's defaults and validation messages. */
final class SpreadParser {
    private SpreadParser() {}

    static List<SpreadConstraint> parse(Fields f, Map<String, Object> spec, Labels podLabels) {
        List<Object> list = f.list(spec, "topologySpreadConstraints", "spec.topologySpreadConstraints");
        List<SpreadConstraint> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String p = "spec.topologySpreadConstraints[" + i + "]";
            Map<String, Object> c = f.item(list, i, p);
            long maxSkew = f.integer(c, "maxSkew", p + ".maxSkew", 0);
            if (maxSkew <= 0) {
                throw f.error(p + ".maxSkew", c.get("maxSkew"), "an integer greater than 0");
            }
            String key = f.requiredString(c, "topologyKey", p + ".topologyKey");
            String when = f.requiredString(c, "whenUnsatisfiable", p + ".whenUnsatisfiable");
            if (!when.equals("DoNotSchedule") && !when.equals("ScheduleAnyway")) {
                throw f.error(p + ".whenUnsatisfiable", when, "DoNotSchedule or ScheduleAnyway");
            }
            long minDomains = f.integer(c, "minDomains", p + ".minDomains", 1);
            if (minDomains <= 0) {
                throw f.error(p + ".minDomains", minDomains, "an integer greater than 0");
            }
            LabelSelector selector = PodParser.selector(f, c, "labelSelector", p);
            if (selector != null) {
                selector = PodParser.withLabelKeys(
                        selector,
                        f.stringList(c, "matchLabelKeys", p + ".matchLabelKeys"),
                        podLabels,
                        LabelSelector.Operator.In);
            }
            out.add(new SpreadConstraint(
                    (int) maxSkew,
                    key.intern(),
                    when.equals("DoNotSchedule"),
                    selector,
                    (int) minDomains,
                    policy(f, c, "nodeAffinityPolicy", p, true),
                    policy(f, c, "nodeTaintsPolicy", p, false)));
        }
        return List.copyOf(out);
    }

    private static boolean policy(Fields f, Map<String, Object> c, String key, String p, boolean honorByDefault) {
        String v = f.string(c, key, p + "." + key);
        if (v == null || v.isEmpty()) {
            return honorByDefault;
        }
        return switch (v) {
            case "Honor" -> true;
            case "Ignore" -> false;
            default -> throw f.error(p + "." + key, v, "Honor or Ignore");
        };
    }
}
