package dev.trimtab.policy.live;

import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.ReportApi;
import dev.trimtab.policy.core.ReportBook;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * A {@link ReportBook} kept in the cluster: one report per resource ({@code Report} or
 * {@code ClusterReport} of {@code openreports.io/v1alpha1}, or {@code PolicyReport} or
 * {@code ClusterPolicyReport} of {@code wgpolicyk8s.io/v1alpha2}: {@link ReportSettings}). Changes
 * are made under this object's lock; {@link #write} sends the reports that changed and deletes
 * those whose resource has no results any more; a write that fails is tried again at the next one.
 * {@code sweep-delay} after {@link #rewriteAll} (a new leader) a write also sweeps: it lists the book's reports
 * (label {@value ReportBook#BOOK_LABEL}) and deletes those the book does not hold (reports of
 * resources deleted while no replica led; those with an owner the garbage collector removes
 * anyway). Thread-safe.
 */
public final class LiveReports {
    private static final Logger LOG = Logger.getLogger(LiveReports.class);

    private final ReportBook book;
    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final ReportApi api;
    private final ResourceDefinitionContext reports;
    private final ResourceDefinitionContext clusterReports;
    private final Duration sweepDelay;
    /** When the next sweep is due; null when none is. */
    private Instant sweepAt;

    public LiveReports(String name, KubernetesClient client, MeterRegistry registry, ReportSettings settings) {
        this.book = new ReportBook(name, settings.maxResults());
        this.client = client;
        this.registry = registry;
        this.api = settings.api();
        this.sweepDelay = settings.sweepDelay();
        this.reports = context(api, api.kind, api.plural, true);
        this.clusterReports = context(api, api.clusterKind, api.clusterPlural, false);
    }

    private static ResourceDefinitionContext context(ReportApi api, String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(api.group)
                .withVersion(api.version)
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(namespaced)
                .build();
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

    /** Every report is due again, and stale ones are swept (a new leader: the cluster may hold the old one's). */
    public synchronized void rewriteAll() {
        book.markAllDirty();
        sweepAt = Instant.now().plus(sweepDelay);
    }

    /** Where the resource's report is (tests). */
    public synchronized ReportBook.ReportRef ref(ReportBook.Resource resource) {
        return book.ref(resource);
    }

    /** Writes the reports that changed; true when every write succeeded (else they stay due). */
    public boolean write() {
        List<ReportBook.Due> due;
        boolean sweepNow;
        synchronized (this) {
            Instant now = Instant.now();
            due = book.drain(api, now.getEpochSecond());
            sweepNow = sweepAt != null && !now.isBefore(sweepAt);
            if (sweepNow) {
                sweepAt = null;
            }
        }
        boolean ok = true;
        for (ReportBook.Due d : due) {
            try {
                if (d.delete()) {
                    delete(d.ref());
                } else {
                    write(d);
                }
                count("ok");
            } catch (KubernetesClientException ex) {
                ok = false;
                count("error");
                LOG.warnf(
                        "cannot %s report %s of %s %s/%s: %s",
                        d.delete() ? "delete" : "write",
                        d.ref().name(),
                        d.resource().kind(),
                        d.resource().namespace(),
                        d.resource().name(),
                        ex.getMessage());
                synchronized (this) {
                    book.markDirty(d);
                }
            }
        }
        if (sweepNow && !sweep()) {
            ok = false;
            synchronized (this) {
                if (sweepAt == null) {
                    sweepAt = Instant.now();
                }
            }
        }
        return ok;
    }

    private void count(String result) {
        registry.counter("trimtab_policy_report_writes_total", "report", book.name(), "result", result)
                .increment();
    }

    private void write(ReportBook.Due d) {
        if (d.omitted() > 0) {
            registry.counter("trimtab_policy_report_results_omitted_total", "report", book.name())
                    .increment(d.omitted());
            LOG.warnf(
                    "report %s of %s %s/%s: %d of %d results written, %d omitted (trimtab.policy.reports.max-results)",
                    d.ref().name(),
                    d.resource().kind(),
                    d.resource().namespace(),
                    d.resource().name(),
                    d.total() - d.omitted(),
                    d.total(),
                    d.omitted());
        }
        GenericKubernetesResource r = AdmissionReviews.JSON.convertValue(d.report(), GenericKubernetesResource.class);
        var resource = api(d.ref()).withName(d.ref().name());
        GenericKubernetesResource existing = resource.get();
        if (existing == null) {
            api(d.ref()).resource(r).create();
        } else {
            r.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            api(d.ref()).resource(r).update();
        }
    }

    private void delete(ReportBook.ReportRef ref) {
        api(ref).withName(ref.name()).delete(); // already gone (the garbage collector, a sweep): nothing to do
    }

    private NonNamespaceOperation<
                    GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            api(ReportBook.ReportRef ref) {
        return ref.clusterScoped()
                ? client.genericKubernetesResources(clusterReports)
                : client.genericKubernetesResources(reports).inNamespace(ref.namespace());
    }

    /** Deletes the book's reports it does not hold; false when the list or a delete failed. */
    private boolean sweep() {
        Set<String> expected;
        synchronized (this) {
            expected = book.expected();
        }
        try {
            int swept = 0;
            for (ResourceDefinitionContext ctx : List.of(reports, clusterReports)) {
                var api = client.genericKubernetesResources(ctx);
                var items = (ctx.isNamespaceScoped() ? api.inAnyNamespace() : api)
                        .withLabel(ReportBook.BOOK_LABEL, book.name())
                        .list()
                        .getItems();
                for (GenericKubernetesResource r : items) {
                    String ns = r.getMetadata().getNamespace() == null
                            ? ""
                            : r.getMetadata().getNamespace();
                    String name = r.getMetadata().getName();
                    synchronized (this) {
                        if (expected.contains(ns + "/" + name)
                                || book.expected().contains(ns + "/" + name)) {
                            continue;
                        }
                    }
                    api(new ReportBook.ReportRef(ns, name)).withName(name).delete();
                    swept++;
                }
            }
            if (swept > 0) {
                LOG.infof("report %s: swept %d reports of resources no longer audited", book.name(), swept);
            }
            return true;
        } catch (KubernetesClientException ex) {
            LOG.warnf("cannot sweep the reports of %s: %s", book.name(), ex.getMessage());
            return false;
        }
    }
}
