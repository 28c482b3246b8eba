package dev.trimtab.policy.live;

import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.ReportBook;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A {@link ReportBook} kept in the cluster: one {@code PolicyReport} per namespace and one
 * {@code ClusterPolicyReport} ({@code wgpolicyk8s.io/v1alpha2}), named after the book. Changes are
 * made under this object's lock; {@link #write} sends the reports that changed, and a write that
 * fails is tried again at the next one. Thread-safe.
 */
public final class LiveReports {
    private static final Logger LOG = Logger.getLogger(LiveReports.class);
    private static final ResourceDefinitionContext REPORTS = context("PolicyReport", "policyreports", true);
    private static final ResourceDefinitionContext CLUSTER_REPORTS = context("ClusterPolicyReport",
            "clusterpolicyreports", false);

    private final ReportBook book;
    private final KubernetesClient client;
    private final MeterRegistry registry;

    public LiveReports(String name, KubernetesClient client, MeterRegistry registry) {
        this.book = new ReportBook(name);
        this.client = client;
        this.registry = registry;
    }

    private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    public synchronized List<ReportBook.Change> put(ReportBook.Resource resource, List<ReportBook.Entry> entries) {
        return book.put(resource, entries);
    }

    public synchronized List<ReportBook.Change> remove(ReportBook.Resource resource) {
        return book.remove(resource);
    }

    public synchronized List<ReportBook.Change> replaceAll(Map<ReportBook.Resource, List<ReportBook.Entry>> all) {
        return book.replaceAll(all);
    }

    /** Every report is due again (a new leader: what the cluster holds may be the old leader's). */
    public synchronized void rewriteAll() {
        book.markAllDirty();
    }

    /** Writes the reports that changed; true when every write succeeded (else they stay due). */
    public boolean write() {
        Map<String, Map<String, Object>> reports = new LinkedHashMap<>();
        synchronized (this) {
            long now = Instant.now().getEpochSecond();
            for (String ns : book.drainDirty()) {
                reports.put(ns, book.report(ns, now));
            }
        }
        boolean ok = true;
        for (Map.Entry<String, Map<String, Object>> e : reports.entrySet()) {
            String ns = e.getKey();
            try {
                write(ns, e.getValue());
                registry.counter("trimtab_policy_report_writes_total", "report", book.name(), "result", "ok").increment();
            } catch (KubernetesClientException ex) {
                ok = false;
                registry.counter("trimtab_policy_report_writes_total", "report", book.name(), "result", "error").increment();
                LOG.warnf("cannot write report %s of %s: %s", book.name(), ns.isEmpty() ? "the cluster" : ns, ex.getMessage());
                synchronized (this) {
                    book.markDirty(ns);
                }
            }
        }
        return ok;
    }

    private void write(String namespace, Map<String, Object> report) {
        GenericKubernetesResource r = AdmissionReviews.JSON.convertValue(report, GenericKubernetesResource.class);
        var api = namespace.isEmpty() ? client.genericKubernetesResources(CLUSTER_REPORTS)
                : client.genericKubernetesResources(REPORTS).inNamespace(namespace);
        GenericKubernetesResource existing = api.withName(book.name()).get();
        if (existing == null) {
            api.resource(r).create();
        } else {
            r.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            api.resource(r).update();
        }
    }
}
