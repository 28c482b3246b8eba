package dev.trimtab.policy.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.cloudevents.CloudEventRecords;
import dev.trimtab.input.InputSettings;
import dev.trimtab.kube.Kinds;
import dev.trimtab.kube.Leadership;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.core.ReportBook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Continuous audit: every object event of the cluster (ApiServerSource add/update/delete) is
 * reviewed against the policies in force as the corresponding CREATE, UPDATE (with the last seen
 * version as {@code oldObject}) or DELETE would be. The object's results replace its previous ones
 * in its own report ({@link LiveReports}: one per object, named after its uid; written every
 * {@code report-interval}), and
 * each result that changed goes to {@code trimtab.policy-events} as a {@code dev.trimtab.policy.result}
 * CloudEvent keyed by the object. An object that fails a validation is also handed to
 * {@link Remediation}, whose result joins the object's report entries. With several replicas
 * ({@link Leadership}) every replica keeps the results, so a new leader has them all, and only the
 * leader publishes, remediates and writes the reports (all of them again once elected). While the
 * cluster's policies are not yet in force ({@link LivePolicies#inForce}) nothing is reviewed,
 * reported or remediated: each object's newest event is held (counted in
 * {@code trimtab_policy_audit_held_total}) and audited once they are.
 */
@ApplicationScoped
public class PolicyAudit {
    static final String RESULT_TYPE = "dev.trimtab.policy.result";
    private static final Logger LOG = Logger.getLogger(PolicyAudit.class);

    private final LivePolicies policies;
    private final Emitter<byte[]> events;
    private final MeterRegistry registry;
    private final LiveReports reports;
    private final Map<String, Map<String, Object>> lastSeen = new HashMap<>();
    /** Events that came while the cluster's policies were not in force: the newest per object, in order. */
    private final Map<String, CloudEvent> held = new LinkedHashMap<>();

    private final Remediation remediation;
    private final Leadership leadership;
    private final CloudEventCodec.Limits limits;

    @Inject
    public PolicyAudit(
            LivePolicies policies,
            @Channel("policy-events") Emitter<byte[]> events,
            KubernetesClient client,
            MeterRegistry registry,
            Remediation remediation,
            Leadership leadership,
            InputSettings input,
            ReportSettings reportSettings) {
        this.limits = input.limits().codec();
        this.policies = policies;
        this.events = events;
        this.registry = registry;
        this.remediation = remediation;
        this.leadership = leadership;
        this.reports = new LiveReports(ReportBook.REPORT_NAME, client, registry, reportSettings);
    }

    void start(@Observes StartupEvent ignored) {
        leadership.onElected(reports::rewriteAll);
    }

    /**
     * A record that is not an object event, or beyond {@code trimtab.autoscaler.input.max-event-bytes}
     * or {@code .max-depth} (the bounds of every decoder of {@code trimtab.cluster-events}), throws,
     * and the channel dead-letters it.
     */
    @Incoming("policy-audit")
    @Blocking(ordered = true)
    public void event(ConsumerRecord<String, byte[]> record) {
        audit(CloudEventCodec.fromRecord(record, limits));
    }

    @SuppressWarnings("unchecked")
    synchronized List<ReportBook.Change> audit(CloudEvent e) {
        String operation = switch (e.type()) {
            case "dev.knative.apiserver.resource.add" -> "CREATE";
            case "dev.knative.apiserver.resource.update" -> "UPDATE";
            case "dev.knative.apiserver.resource.delete" -> "DELETE";
            default ->
                throw new IllegalArgumentException("type: got \"" + e.type()
                        + "\", expected dev.knative.apiserver.resource.add, .update or .delete");
        };
        if (e.data() == null || !e.data().isObject()) {
            throw new IllegalArgumentException("data: got " + e.data() + ", expected a Kubernetes object");
        }
        Map<String, Object> object = AdmissionReviews.JSON.convertValue(e.data(), Map.class);
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String kind = String.valueOf(object.get("kind"));
        Map<String, Object> meta = object.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String name = meta.get("name") instanceof String s ? s : "";
        if (name.isEmpty() || apiVersion.equals("null") || kind.equals("null")) {
            throw new IllegalArgumentException("data: apiVersion, kind and metadata.name are required");
        }
        String namespace = meta.get("namespace") instanceof String s ? s : "";
        String key = apiVersion + "/" + kind + "/" + namespace + "/" + name;
        if (!policies.inForce()) {
            // reviewed against part of the policies, a result could be wrong: held, the newest event per object
            if (held.isEmpty()) {
                LOG.infof("audit held: %s", LivePolicies.NOT_IN_FORCE);
            }
            held.remove(key);
            held.put(key, e);
            registry.counter("trimtab_policy_audit_held_total").increment();
            return List.of();
        }
        release();
        ReportBook.Resource resource = new ReportBook.Resource(
                apiVersion, kind, namespace, name, meta.get("uid") instanceof String u ? u : null);
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        boolean delete = operation.equals("DELETE");
        AdmissionRequest request = new AdmissionRequest(
                UUID.randomUUID().toString(),
                new AdmissionRequest.Gvk(group, version, kind),
                new AdmissionRequest.Gvr(group, version, Kinds.plural(kind)),
                "",
                null,
                null,
                null,
                name,
                kind.equals("Namespace") && apiVersion.equals("v1") ? name : namespace,
                operation,
                new AdmissionRequest.UserInfo("system:serviceaccount:trimtab:trimtab-policy", "", List.of(), Map.of()),
                false,
                null,
                delete ? null : object,
                delete ? object : lastSeen.get(key));
        PolicyEngine.Verdict v = policies.review(request);
        List<ReportBook.Entry> entries = new ArrayList<>(ReportBook.entries(v.results()));
        boolean leader = leadership.leader();
        if (leader
                && !delete
                && remediation.mode() != Remediation.Mode.off
                && v.results().stream().anyMatch(r -> r.outcome() == PolicyEngine.Outcome.fail)) {
            remediation.remediate(request, e).ifPresent(entries::add);
        }
        List<ReportBook.Change> changes = delete ? reports.remove(resource) : reports.put(resource, entries);
        if (delete) {
            lastSeen.remove(key);
        } else {
            lastSeen.put(key, object);
        }
        for (ReportBook.Change c : changes) {
            if (leader) {
                publish(c, e);
            }
        }
        return changes;
    }

    /**
     * Audits the events held while the cluster's policies were not in force, once they are (in
     * arrival order of each object's newest event); the number audited.
     */
    synchronized int release() {
        if (held.isEmpty() || !policies.inForce()) {
            return 0;
        }
        List<CloudEvent> pending = List.copyOf(held.values());
        held.clear();
        LOG.infof("policies in force: auditing %d held objects", pending.size());
        for (CloudEvent e : pending) {
            try {
                audit(e);
            } catch (RuntimeException ex) {
                // it was checked when held; whatever fails now must not cost the others their audit
                registry.counter("trimtab_policy_audit_failures_total").increment();
                LOG.errorf("audit of held event %s failed: %s", e.id(), ex.getMessage());
            }
        }
        return pending.size();
    }

    private void publish(ReportBook.Change c, CloudEvent trigger) {
        ReportBook.Entry now = c.after() != null ? c.after() : c.before();
        registry.counter(
                        "trimtab_policy_results_total",
                        "policy",
                        now.policy(),
                        "result",
                        c.after() == null ? "removed" : c.after().result())
                .increment();
        ObjectNode data = AdmissionReviews.JSON.createObjectNode();
        ObjectNode r = data.putObject("resource");
        r.put("apiVersion", c.resource().apiVersion());
        r.put("kind", c.resource().kind());
        r.put("namespace", c.resource().namespace());
        r.put("name", c.resource().name());
        data.put("policy", now.policy());
        data.put("rule", now.rule());
        if (c.after() != null) {
            data.put("result", c.after().result());
            data.put("message", c.after().message());
        } else {
            data.putNull("result");
        }
        if (c.before() != null) {
            data.put("previous", c.before().result());
        }
        ObjectNode t = data.putObject("trigger");
        t.put("id", trigger.id());
        t.put("type", trigger.type());
        send(
                events,
                RESULT_TYPE,
                c.resource().kind(),
                c.resource().namespace() + "/" + c.resource().name(),
                data);
    }

    /** A CloudEvent on the policy-events topic, keyed by {@code namespace/name}. */
    public static void send(Emitter<byte[]> events, String type, String kind, String key, ObjectNode data) {
        CloudEvent out = new CloudEvent(
                UUID.randomUUID().toString(),
                "/trimtab/policy",
                type,
                kind + "/" + key,
                Instant.now(),
                "application/json",
                data,
                Map.of("partitionkey", key));
        CloudEventRecords.send(events, out);
    }

    /** Writes the reports that changed; a write that fails is tried again at the next tick. */
    @Scheduled(
            every = "${trimtab.policy.report-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void writeReports() {
        release();
        if (leadership.leader()) {
            reports.write();
        }
    }
}
