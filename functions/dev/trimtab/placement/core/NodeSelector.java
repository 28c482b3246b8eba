package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code requiredDuringSchedulingIgnoredDuringExecution} of node affinity: terms are ORed; inside a
 * term every expression and field requirement is ANDed; a term with neither matches nothing
 * (upstream {@code nodeaffinity.NewNodeSelector}). Operators: In, NotIn, Exists, DoesNotExist, Gt, Lt;
 * fields: only {@code metadata.name} with In/NotIn. A requirement upstream cannot turn into a label
 * selector (an In/NotIn value that is not a valid label value) makes its term match no node, as
 * upstream's parse error does; it is kept as operator {@code Invalid}.
 */
public record NodeSelector(List<Term> terms) {
    public record Requirement(String key, String operator, List<String> values) {
        boolean matchesLabels(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case "In" -> v != null && values.contains(v);
                case "NotIn" -> v == null || !values.contains(v);
                case "Exists" -> v != null;
                case "DoesNotExist" -> v == null;
                case "Gt", "Lt" -> v != null && compare(v);
                default -> false;
            };
        }

        private boolean compare(String v) {
            try {
                long have = Long.parseLong(v);
                long want = Long.parseLong(values.get(0));
                return operator.equals("Gt") ? have > want : have < want;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        boolean matchesName(String nodeName) {
            return switch (operator) {
                case "In" -> values.contains(nodeName);
                case "NotIn" -> !values.contains(nodeName);
                default -> false;
            };
        }
    }

    public record Term(List<Requirement> expressions, List<Requirement> fields) {
        public boolean matches(NodeInfo node) {
            if (expressions.isEmpty() && fields.isEmpty()) {
                return false;
            }
            for (Requirement r : expressions) {
                if (!r.matchesLabels(node.labels())) {
                    return false;
                }
            }
            for (Requirement r : fields) {
                if (!r.matchesName(node.name())) {
                    return false;
                }
            }
            return true;
        }
    }

    public record Preferred(int weight, Term term) {}

    public boolean matches(NodeInfo node) {
        for (Term t : terms) {
            if (t.matches(node)) {
                return true;
            }
        }
        return false;
    }

    static Term parseTerm(Fields f, Map<String, Object> term, String path) {
        return new Term(
                parseRequirements(f, term, "matchExpressions", path, false),
                parseRequirements(f, term, "matchFields", path, true));
    }

    static final String INVALID = "Invalid";
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    /** {@code validation.IsValidLabelValue}: at most 63 characters of the label value alphabet. */
    static boolean isLabelValue(String v) {
        return v.length() <= 63 && LABEL_VALUE.matcher(v).matches();
    }

    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");

    private static List<Requirement> parseRequirements(
            Fields f, Map<String, Object> term, String key, String path, boolean fields) {
        List<Object> list = f.list(term, key, path + "." + key);
        List<Requirement> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String p = path + "." + key + "[" + i + "]";
            Map<String, Object> r = f.item(list, i, p);
            String k = f.requiredString(r, "key", p + ".key");
            String op = f.requiredString(r, "operator", p + ".operator");
            if (!OPERATORS.contains(op)) {
                throw f.error(p + ".operator", op, "In, NotIn, Exists, DoesNotExist, Gt or Lt");
            }
            if (fields && !k.equals("metadata.name")) {
                throw f.error(p + ".key", k, "metadata.name");
            }
            List<String> values = f.stringList(r, "values", p + ".values");
            if ((op.equals("Gt") || op.equals("Lt")) && values.size() != 1) {
                throw f.error(p + ".values", values, "exactly one integer for " + op);
            }
            if (!fields
                    && (op.equals("In") || op.equals("NotIn"))
                    && !values.stream().allMatch(NodeSelector::isLabelValue)) {
                op = INVALID;
            }
            out.add(new Requirement(k.intern(), op, values));
        }
        return List.copyOf(out);
    }
}
