package dev.trimtab.policy.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The audit's results as one report per resource, as Kyverno writes them since 1.13: a
 * {@code Report} in the resource's namespace, a {@code ClusterReport} for a cluster-scoped one
 * ({@link ReportApi}), whose {@code scope} is the resource. An object's new results replace its old
 * ones; a deleted object's report goes; every difference of results is returned as a {@link Change}.
 *
 * <p><b>Names.</b> The admission policies' book ({@link #REPORT_NAME}) names a report after the
 * resource's uid, as Kyverno does, and makes the resource its owner, so the garbage collector
 * removes it with the resource. Other books (the intents) prefix the uid with their name, so two
 * books never write the same object. A resource without a uid (intents name objects by
 * namespace and name only), or whose uid is not a valid object name, gets
 * {@code <book>-<first 16 hex digits of SHA-256(apiVersion/kind/namespace/name)>} and no owner:
 * its report is deleted by the book when the results go, and by {@link #expected()} sweeps after a
 * change of leader.
 *
 * <p><b>Bounds.</b> At most {@code maxResults} results per report (fail, error, warn, skip, pass,
 * in that order, kept first); the summary counts every result, the report's annotation
 * {@value #OMITTED_ANNOTATION} and {@link Due#omitted} the ones left out. A message is cut at
 * {@value #MAX_MESSAGE_CHARS} characters. With 250 results of at most about 1.5 KB each a report
 * stays far below the API server's object size limit (about 1.5 MiB in etcd).
 */
public final class ReportBook {
    /** The admission policies' book. */
    public static final String REPORT_NAME = "trimtab-policy";

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** The label naming the book a report belongs to (the sweep selects by it). */
    public static final String BOOK_LABEL = "trimtab.dev/report";

    public static final String OMITTED_ANNOTATION = "trimtab.dev/results-omitted";
    public static final int DEFAULT_MAX_RESULTS = 250;
    public static final int MAX_MESSAGE_CHARS = 1024;
    private static final List<String> RESULTS = List.of("fail", "error", "warn", "skip", "pass");
    private static final Pattern UID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public record Resource(String apiVersion, String kind, String namespace, String name, String uid) {
        String key() {
            return apiVersion + "/" + kind + "/" + namespace + "/" + name;
        }

        /** A uid the API server could have given (a valid object name): one to own a report by. */
        public boolean ownable() {
            return uid != null && UID.matcher(uid).matches();
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

    /** Where a resource's report lives: {@code namespace} "" for the cluster-scoped kind. */
    public record ReportRef(String namespace, String name) {
        public boolean clusterScoped() {
            return namespace.isEmpty();
        }
    }

    /**
     * A report to write ({@code report} the whole object) or to delete ({@code report} null), with
     * the number of results left out of it by the cap.
     */
    public record Due(Resource resource, ReportRef ref, Map<String, Object> report, int total, int omitted) {
        public boolean delete() {
            return report == null;
        }
    }

    private final Map<String, Map<String, Entry>> results = new LinkedHashMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    /** Resources whose report is due: written if they have results, deleted otherwise. */
    private final Map<String, Resource> dirty = new LinkedHashMap<>();

    private final String name;
    private final int maxResults;

    /** The admission policies' book, named {@link #REPORT_NAME}. */
    public ReportBook() {
        this(REPORT_NAME);
    }

    public ReportBook(String name) {
        this(name, DEFAULT_MAX_RESULTS);
    }

    /** @param maxResults at least 1: the most results one report holds */
    public ReportBook(String name, int maxResults) {
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults: got " + maxResults + ", expected at least 1");
        }
        this.name = name;
        this.maxResults = maxResults;
    }

    public String name() {
        return name;
    }

    /** The report entries of one review's results. */
    public static List<Entry> entries(List<PolicyEngine.Result> results) {
        List<Entry> out = new ArrayList<>(results.size());
        for (PolicyEngine.Result r : results) {
            String rule = (r.binding() == null ? "" : r.binding() + "/")
                    + (r.index() == PolicyEngine.AUDIT_ANNOTATION
                            ? "auditAnnotations"
                            : r.index() < 0 ? "policy" : "validations[" + r.index() + "]");
            String result = switch (r.outcome()) {
                case pass -> "pass";
                case skip -> "skip";
                case error -> "error";
                case fail ->
                    r.actions().size() == 1 && r.actions().get(0) == PolicyBinding.Action.Warn ? "warn" : "fail";
            };
            out.add(new Entry(r.policy(), rule, result, r.message()));
        }
        return out;
    }

    /** Replaces the resource's results; returns what changed. No results: its report goes. */
    public List<Change> put(Resource resource, List<Entry> entries) {
        Map<String, Entry> old = results.getOrDefault(resource.key(), Map.of());
        Map<String, Entry> fresh = new LinkedHashMap<>();
        for (Entry e : entries) {
            fresh.put(e.key(), e);
        }
        List<Change> changes = diff(resource, old, fresh);
        Resource before = resources.get(resource.key());
        if (fresh.isEmpty()) {
            results.remove(resource.key());
            resources.remove(resource.key());
        } else {
            results.put(resource.key(), fresh);
            resources.put(resource.key(), resource);
        }
        if (before != null && !ref(before).equals(ref(resource))) {
            // a new object under the old name (a new uid): the old report goes, the new one comes
            dirty.put(before.key() + "#" + before.uid(), before);
        }
        if (!changes.isEmpty() || (before != null && !before.equals(resource))) {
            dirty.put(resource.key(), resource);
        }
        return changes;
    }

    /**
     * Makes {@code all} the whole content of the book: each resource's results replaced, the results
     * of resources not in it removed. For checks that recompute everything at once (intents).
     */
    public List<Change> replaceAll(Map<Resource, List<Entry>> all) {
        List<Change> changes = new ArrayList<>();
        Set<String> keep = new HashSet<>();
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

    /** The resource is gone: its results and its report too. */
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
        resources.forEach(dirty::put);
    }

    /** Marks a report to be written (or deleted) again: its last write failed. */
    public void markDirty(Due due) {
        Resource now = resources.get(due.resource().key());
        if (now != null && ref(now).equals(due.ref())) {
            dirty.put(now.key(), now);
        } else if (due.delete()) {
            dirty.putIfAbsent(due.resource().key() + "#" + due.resource().uid(), due.resource());
        }
        // else: a delete of a report the resource has since left for a new one is due already
    }

    /** The reports due since the last call: each to write or to delete, as of {@code nowSeconds}. */
    public List<Due> drain(ReportApi api, long nowSeconds) {
        List<Due> out = new ArrayList<>(dirty.size());
        for (Map.Entry<String, Resource> e : dirty.entrySet()) {
            Resource r = e.getValue();
            Resource live = resources.get(r.key());
            if (live != null && live.equals(r) && e.getKey().equals(r.key())) {
                out.add(report(live, api, nowSeconds));
            } else {
                out.add(new Due(r, ref(r), null, 0, 0));
            }
        }
        dirty.clear();
        return out;
    }

    /** Where the resource's report lives. */
    public ReportRef ref(Resource r) {
        String id =
                r.ownable() ? (name.equals(REPORT_NAME) ? r.uid() : name + "-" + r.uid()) : name + "-" + hash(r.key());
        return new ReportRef(r.namespace(), id);
    }

    /** Every report the book holds ({@code namespace/name}, "" for cluster scope): the rest may be swept. */
    public Set<String> expected() {
        Set<String> out = new TreeSet<>();
        for (Resource r : resources.values()) {
            ReportRef ref = ref(r);
            out.add(ref.namespace() + "/" + ref.name());
        }
        return out;
    }

    /** How many results the resource's report holds before the cap (tests, metrics). */
    public int size(Resource r) {
        return results.getOrDefault(r.key(), Map.of()).size();
    }

    /** The number of reports the book holds. */
    public int reports() {
        return resources.size();
    }

    private Due report(Resource r, ReportApi api, long nowSeconds) {
        List<Entry> all = new ArrayList<>(results.get(r.key()).values());
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (String s : List.of("pass", "fail", "warn", "error", "skip")) {
            summary.put(s, 0);
        }
        for (Entry e : all) {
            summary.merge(e.result(), 1, Integer::sum);
        }
        all.sort(Comparator.comparingInt(e -> rank(e.result())));
        List<Entry> kept = all.size() > maxResults ? all.subList(0, maxResults) : all;
        int omitted = all.size() - kept.size();
        Map<String, Object> subject = objectReference(r);
        List<Map<String, Object>> out = new ArrayList<>(kept.size());
        for (Entry e : kept) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("source", "trimtab");
            result.put("policy", e.policy());
            result.put("rule", e.rule());
            result.put("result", e.result());
            if (e.message() != null) {
                result.put("message", cut(e.message()));
            }
            result.put("scored", true);
            result.put("timestamp", Map.of("seconds", nowSeconds, "nanos", 0));
            result.put("resources", List.of(subject));
            out.add(result);
        }
        ReportRef ref = ref(r);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", ref.name());
        if (!ref.clusterScoped()) {
            metadata.put("namespace", ref.namespace());
        }
        metadata.put("labels", Map.of(MANAGED_BY, "trimtab", BOOK_LABEL, name));
        if (omitted > 0) {
            metadata.put("annotations", Map.of(OMITTED_ANNOTATION, Integer.toString(omitted)));
        }
        if (r.ownable()) {
            Map<String, Object> owner = new LinkedHashMap<>();
            owner.put("apiVersion", r.apiVersion());
            owner.put("kind", r.kind());
            owner.put("name", r.name());
            owner.put("uid", r.uid());
            metadata.put("ownerReferences", List.of(owner));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("apiVersion", api.apiVersion());
        report.put("kind", ref.clusterScoped() ? api.clusterKind : api.kind);
        report.put("metadata", metadata);
        report.put("scope", subject);
        if (api == ReportApi.openreports) {
            report.put("source", "trimtab");
            report.put("configuration", Map.of("limits", Map.of("maxResults", maxResults)));
        }
        report.put("summary", summary);
        report.put("results", out);
        return new Due(r, ref, report, all.size(), omitted);
    }

    private static Map<String, Object> objectReference(Resource r) {
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
        return ref;
    }

    private static int rank(String result) {
        int i = RESULTS.indexOf(result);
        return i < 0 ? RESULTS.size() : i;
    }

    private static String cut(String message) {
        return message.length() <= MAX_MESSAGE_CHARS
                ? message
                : message.substring(0, MAX_MESSAGE_CHARS) + "… (" + (message.length() - MAX_MESSAGE_CHARS)
                        + " more characters)";
    }

    private static String hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required algorithm of every JVM", e);
        }
    }
}
