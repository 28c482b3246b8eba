package dev.trimtab.policy.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy-report content of intents (NetworkIntent, RbacIntent) checked as a whole: one
 * {@code fail} result per offending object and intent rule, its message listing the violations
 * (the first {@link #LISTED}, then how many more), and one result per intent on the intent itself,
 * {@code pass} when it holds, else {@code fail} with the count. A pure function of the findings:
 * checking again after a change replaces the book's content ({@link ReportBook#replaceAll}).
 */
public final class IntentResults {
    /** Violations spelled out in one result's message. */
    public static final int LISTED = 5;

    /** One violation: the object at fault, the intent, the rule ({@code spec.rules[0] (onlyFrom)}), why. */
    public record Finding(ReportBook.Resource resource, String intent, String rule, String message) {
        /**
         * A violation whose {@code message} starts with {@code where} ({@code Kind name spec.rules[i] (kind): …}),
         * which the result's policy and rule already say: the message is kept without it.
         */
        public static Finding of(
                ReportBook.Resource resource, String intent, String rule, String where, String message) {
            String prefix = where + ": ";
            return new Finding(
                    resource, intent, rule, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
    }

    private IntentResults() {}

    /**
     * @param apiVersion and {@code kind}: the intents' type, for the per-intent results
     * @param intents    every intent checked, by name, violated or not
     */
    public static Map<ReportBook.Resource, List<ReportBook.Entry>> of(
            String apiVersion, String kind, List<String> intents, List<Finding> findings) {
        Map<ReportBook.Resource, Map<String, List<String>>> byResource = new LinkedHashMap<>();
        Map<String, Integer> perIntent = new LinkedHashMap<>();
        for (Finding f : findings) {
            byResource
                    .computeIfAbsent(f.resource(), r -> new LinkedHashMap<>())
                    .computeIfAbsent(f.intent() + "\n" + f.rule(), k -> new ArrayList<>())
                    .add(f.message());
            perIntent.merge(f.intent(), 1, Integer::sum);
        }
        Map<ReportBook.Resource, List<ReportBook.Entry>> out = new LinkedHashMap<>();
        byResource.forEach((resource, rules) -> {
            List<ReportBook.Entry> entries = new ArrayList<>();
            rules.forEach((key, messages) -> {
                int cut = key.indexOf('\n');
                entries.add(
                        new ReportBook.Entry(key.substring(0, cut), key.substring(cut + 1), "fail", summary(messages)));
            });
            out.put(resource, entries);
        });
        for (String intent : intents) {
            int n = perIntent.getOrDefault(intent, 0);
            out.put(
                    new ReportBook.Resource(apiVersion, kind, "", intent, null),
                    List.of(new ReportBook.Entry(
                            intent,
                            "intent",
                            n == 0 ? "pass" : "fail",
                            n == 0 ? "holds" : n + (n == 1 ? " violation" : " violations"))));
        }
        return out;
    }

    private static String summary(List<String> messages) {
        if (messages.size() == 1) {
            return messages.get(0);
        }
        StringBuilder b = new StringBuilder(messages.size() + " violations: ");
        for (int i = 0; i < Math.min(LISTED, messages.size()); i++) {
            b.append(i == 0 ? "" : "; ").append(messages.get(i));
        }
        if (messages.size() > LISTED) {
            b.append("; and ").append(messages.size() - LISTED).append(" more");
        }
        return b.toString();
    }
}
