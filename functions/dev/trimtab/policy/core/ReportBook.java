package dev.trimtab.policy.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The continuous audit's results, per namespace, as {@code PolicyReport}s
 * ({@code wgpolicyk8s.io/v1alpha2}; {@code ClusterPolicyReport} for cluster-scoped objects): one
 * result per policy, binding, validation and resource. An object's new results replace its old
 * ones; a deleted object's are removed; every difference is returned as a {@link Change}.
 */
public final class ReportBook {
    /** The admission policies' report's name in each namespace. */
    public static final String REPORT_NAME = "trimtab-policy";

    public record Resource(String apiVersion, String kind, String namespace, String name, String uid) {
        String key() {
            return apiVersion + "/" + kind + "/" + namespace + "/" + name;
        }
    }

    /** @param result pass, fail, warn, error or skip */
    public record Entry(String policy, String rule, String result, String message) {
        String key() {
            return policy + "|" + rule;
        }
    }

    /** A result that appeared ({@code before} null), changed, or went ({@code after} null). */
    public record Change(Resource resource, Entry before, Entry after) {}

    private final Map<String, Map<String, Map<String, Entry>>> byNamespace = new TreeMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final String name;

    /** The admission policies' reports, named {@link #REPORT_NAME}. */
    public ReportBook() {
        this(REPORT_NAME);
    }

    /** Reports named {@code name} in each namespace (and cluster-wide). */
    public ReportBook(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The report entries of one review's results. */
    public static List<Entry> entries(List<PolicyEngine.Result> results) {
        List<Entry> out = new ArrayList<>(results.size());
        for (PolicyEngine.Result r : results) {
            String rule = (r.binding() == null ? "" : r.binding() + "/")
                    + (r.index() == PolicyEngine.AUDIT_ANNOTATION ? "auditAnnotations"
                    : r.index() < 0 ? "policy" : "validations[" + r.index() + "]");
            String result = switch (r.outcome()) {
                case pass -> "pass";
                case skip -> "skip";
                case error -> "error";
                case fail -> r.actions().size() == 1 && r.actions().get(0) == PolicyBinding.Action.Warn ? "warn" : "fail";
            };
            out.add(new Entry(r.policy(), rule, result, r.message()));
        }
        return out;
    }

    /** Replaces the resource's results; returns what changed. */
    public List<Change> put(Resource resource, List<Entry> entries) {
        Map<String, Map<String, Entry>> ns = byNamespace.computeIfAbsent(resource.namespace(), k -> new TreeMap<>());
        Map<String, Entry> old = ns.getOrDefault(resource.key(), Map.of());
        Map<String, Entry> fresh = new LinkedHashMap<>();
        for (Entry e : entries) {
            fresh.put(e.key(), e);
        }
        List<Change> changes = diff(resource, old, fresh);
        if (fresh.isEmpty()) {
            ns.remove(resource.key());
            resources.remove(resource.key());
        } else {
            ns.put(resource.key(), fresh);
            resources.put(resource.key(), resource);
        }
        if (!changes.isEmpty()) {
            dirty.add(resource.namespace());
        }
        return changes;
    }

    /**
     * Makes {@code all} the whole content of the book: each resource's results replaced, the results
     * of resources not in it removed. For checks that recompute everything at once (intents).
     */
    public List<Change> replaceAll(Map<Resource, List<Entry>> all) {
        List<Change> changes = new ArrayList<>();
        Set<String> keep = new java.util.HashSet<>();
        all.forEach((r, entries) -> {
            keep.add(r.key());
            changes.addAll(put(r, entries));
        });
        for (Resource r : List.copyOf(resources.values())) {
            if (!keep.contains(r.key())) {
                changes.addAll(remove(r));
            }
        }
        return changes;
    }

    /** The resource is gone: its results too. */
    public List<Change> remove(Resource resource) {
        return put(resource, List.of());
    }

    private static List<Change> diff(Resource r, Map<String, Entry> old, Map<String, Entry> fresh) {
        List<Change> out = new ArrayList<>();
        for (Entry e : fresh.values()) {
            Entry before = old.get(e.key());
            if (!e.equals(before)) {
                out.add(new Change(r, before, e));
            }
        }
        for (Entry e : old.values()) {
            if (!fresh.containsKey(e.key())) {
                out.add(new Change(r, e, null));
            }
        }
        return out;
    }

    /** Marks every report to be written again (a new leader writes them all). */
    public void markAllDirty() {
        dirty.addAll(byNamespace.keySet());
    }

    /** Marks a namespace's report to be written again (its last write failed). */
    public void markDirty(String namespace) {
        dirty.add(namespace);
    }

    /** The namespaces ("" = cluster scope) whose report changed since the last call. */
    public Set<String> drainDirty() {
        Set<String> out = new LinkedHashSet<>(dirty);
        dirty.clear();
        return out;
    }

    /** The namespace's report ({@code ClusterPolicyReport} for ""), as the API object. */
    public Map<String, Object> report(String namespace, long nowSeconds) {
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (String s : List.of("pass", "fail", "warn", "error", "skip")) {
            summary.put(s, 0);
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Map.Entry<String, Map<String, Entry>> byResource : byNamespace.getOrDefault(namespace, Map.of()).entrySet()) {
            Resource r = resources.get(byResource.getKey());
            for (Entry e : byResource.getValue().values()) {
                summary.merge(e.result(), 1, Integer::sum);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("source", "trimtab");
                result.put("policy", e.policy());
                result.put("rule", e.rule());
                result.put("result", e.result());
                if (e.message() != null) {
                    result.put("message", e.message());
                }
                result.put("scored", true);
                result.put("timestamp", Map.of("seconds", nowSeconds, "nanos", 0));
                Map<String, Object> ref = new LinkedHashMap<>();
                ref.put("apiVersion", r.apiVersion());
                ref.put("kind", r.kind());
                if (!r.namespace().isEmpty()) {
                    ref.put("namespace", r.namespace());
                }
                ref.put("name", r.name());
                if (r.uid() != null) {
                    ref.put("uid", r.uid());
                }
                result.put("resources", List.of(ref));
                results.add(result);
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (!namespace.isEmpty()) {
            metadata.put("namespace", namespace);
        }
        metadata.put("labels", Map.of("app.kubernetes.io/managed-by", "trimtab"));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("apiVersion", "wgpolicyk8s.io/v1alpha2");
        report.put("kind", namespace.isEmpty() ? "ClusterPolicyReport" : "PolicyReport");
        report.put("metadata", metadata);
        report.put("summary", summary);
        report.put("results", results);
        return report;
    }

    /** How many results the namespace's report holds (tests, metrics). */
    public int size(String namespace) {
        return byNamespace.getOrDefault(namespace, Map.of()).values().stream().mapToInt(Map::size).sum();
    }
}
