package dev.trimtab.network.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.Leadership;
import dev.trimtab.network.IntentsAnswers;
import dev.trimtab.network.core.intent.IntentChecker;
import dev.trimtab.network.core.intent.IntentEnforcer;
import dev.trimtab.network.core.intent.IntentPlan;
import dev.trimtab.network.core.intent.IntentViolation;
import dev.trimtab.network.core.intent.NetworkIntent;
import dev.trimtab.network.core.intent.PolicyChange;
import dev.trimtab.network.core.intent.PolicyWriter;
import dev.trimtab.policy.core.IntentResults;
import dev.trimtab.policy.core.OpenViolations;
import dev.trimtab.policy.core.ReportBook;
import dev.trimtab.policy.live.IntentLoop;
import dev.trimtab.policy.live.IntentSource;
import dev.trimtab.policy.live.LivePolicies;
import dev.trimtab.policy.live.LiveReports;
import dev.trimtab.policy.live.PolicyAudit;
import dev.trimtab.policy.live.ReportSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Network intents (docs/network-intents.md) over the live cluster. The {@code NetworkIntent}s are
 * those of the policy directory and, with {@code trimtab.policy.watch-cluster}, the cluster's
 * ({@link IntentSource}). While the network is watched ({@link LiveNetwork}), after every change of
 * a Namespace, Pod, NetworkPolicy or intent (coalesced: {@code trimtab.network.recheck-delay},
 * 100 ms), once everything is listed, on the leader ({@link IntentLoop}):
 * <ul>
 *   <li>the intents are checked; each violation that appears or disappears is a
 *       {@code dev.trimtab.network.violation} CloudEvent on {@code trimtab.policy-events} (the
 *       offending flow, the rules that allow it or the policies that block it, {@code status} open
 *       or resolved), and the {@code trimtab-network-intents} PolicyReports hold the violations by
 *       pod, with one result per intent (pass when it holds);</li>
 *   <li>with {@code trimtab.network.remediation} {@code enforce} or {@code dry-run}, the
 *       NetworkPolicies that make the Enforce intents hold are planned ({@link IntentEnforcer}); a
 *       plan that changes something is a {@code dev.trimtab.network.enforcement} CloudEvent (the
 *       changes, whether the intents then hold, what cannot be fixed and why), and under
 *       {@code enforce} it is applied: Trimtab-labelled policies created, updated or deleted, never
 *       a policy Trimtab does not own. The next check, on the informers' view of the result, is the
 *       proof that the intents hold: their violations are then {@code resolved}.</li>
 * </ul>
 */
@ApplicationScoped
public class NetworkIntents {
    private static final Logger LOG = Logger.getLogger(NetworkIntents.class);
    public static final String VIOLATION = "dev.trimtab.network.violation";
    public static final String ENFORCEMENT = "dev.trimtab.network.enforcement";
    static final String REPORT = "trimtab-network-intents";
    private static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("networking.k8s.io")
            .withVersion("v1")
            .withKind("NetworkPolicy")
            .withPlural("networkpolicies")
            .withNamespaced(true)
            .build();

    private final LiveNetwork network;
    private final KubernetesClient client;
    private final Emitter<byte[]> events;
    private final MeterRegistry registry;
    private final String remediation;
    private final boolean watchCluster;
    private final LiveReports reports;
    private final OpenViolations<IntentViolation.Key, IntentViolation> open = new OpenViolations<>();
    private final IntentLoop<NetworkIntent, LiveNetwork.View> loop;
    private List<PolicyChange> lastPlan = List.of();

    @Inject
    public NetworkIntents(
            LiveNetwork network,
            KubernetesClient client,
            @Channel("policy-events") Emitter<byte[]> events,
            MeterRegistry registry,
            LivePolicies policies,
            Leadership leadership,
            ReportSettings reportSettings,
            @ConfigProperty(name = "trimtab.network.remediation", defaultValue = "off") String remediation,
            @ConfigProperty(name = "trimtab.network.recheck-delay", defaultValue = "100ms") Duration delay,
            @ConfigProperty(name = "trimtab.policy.watch-cluster", defaultValue = "true") boolean watchCluster) {
        this.network = network;
        this.client = client;
        this.events = events;
        this.registry = registry;
        this.remediation = IntentLoop.remediation("trimtab.network.remediation", remediation);
        this.watchCluster = watchCluster;
        this.reports = new LiveReports(REPORT, client, registry, reportSettings);
        IntentSource<NetworkIntent> source = new IntentSource<>(
                NetworkIntent.KIND,
                (objects, errors) -> {
                    NetworkIntent.Parsed parsed = NetworkIntent.fromObjects(objects);
                    parsed.errors().forEach(errors);
                    return parsed.intents();
                },
                NetworkIntent::name,
                policies.fileObjects());
        this.loop = new IntentLoop<>(
                "trimtab-network-intents",
                delay,
                source,
                leadership,
                reports,
                network::synced,
                network::view,
                this::check);
        registry.gauge("trimtab_network_intent_violations", open, OpenViolations::size);
    }

    void start(@Observes StartupEvent ignored) {
        loop.start(network.enabled(), network::onChange, client, watchCluster, "networkintents");
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop();
    }

    /** The intents in force: the policy directory's and the cluster's. */
    public List<NetworkIntent> intents() {
        return loop.intents();
    }

    /** One check: publishes what opened and resolved, replaces the reports, plans and applies. */
    private boolean check(LiveNetwork.View v, List<NetworkIntent> intents) {
        long start = System.nanoTime();
        List<IntentViolation> violations = IntentChecker.check(v.model(), intents);
        registry.timer("trimtab_network_intent_check").record(Duration.ofNanos(System.nanoTime() - start));
        Map<IntentViolation.Key, IntentViolation> now = new LinkedHashMap<>();
        violations.forEach(x -> now.put(x.key(), x));
        OpenViolations.Diff<IntentViolation> diff = open.update(now);
        diff.opened().forEach(x -> publish(x, "open"));
        diff.resolved().forEach(x -> publish(x, "resolved"));
        reports.replaceAll(IntentResults.of(
                NetworkIntent.API_VERSION,
                NetworkIntent.KIND,
                intents.stream().map(NetworkIntent::name).toList(),
                violations.stream().map(NetworkIntents::finding).toList()));
        if (remediation.equals("off") || intents.stream().noneMatch(i -> i.mode() == NetworkIntent.Mode.Enforce)) {
            return true;
        }
        return enforce(IntentEnforcer.plan(v.objects(), intents));
    }

    /** Publishes a plan that changes something and, under enforce, applies it; false when the API refused a change. */
    private boolean enforce(IntentPlan plan) {
        if (plan.changes().equals(lastPlan)) {
            return true;
        }
        lastPlan = plan.changes();
        List<String> outcomes = new ArrayList<>();
        boolean failed = false;
        for (PolicyChange c : plan.changes()) {
            String outcome = remediation.equals("enforce") ? apply(c) : "dry-run";
            failed |= !outcome.equals("applied") && !outcome.equals("dry-run");
            registry.counter(
                            "trimtab_network_intent_changes_total",
                            "action",
                            c.action().name(),
                            "outcome",
                            outcome.replaceAll(":.*", ""))
                    .increment();
            outcomes.add(outcome);
        }
        publish(plan, outcomes);
        if (failed) {
            // the informers will not show what was refused: plan and try again later
            lastPlan = List.of();
        }
        return !failed;
    }

    /** {@code applied}, {@code skipped: why} (not Trimtab's any more) or {@code rejected: code message}. */
    @SuppressWarnings("unchecked")
    private String apply(PolicyChange c) {
        Map<String, Object> meta = (Map<String, Object>) c.policy().get("metadata");
        var api = client.genericKubernetesResources(POLICIES).inNamespace((String) meta.get("namespace"));
        var resource = api.withName((String) meta.get("name"));
        try {
            GenericKubernetesResource existing = resource.get();
            Map<String, Object> live = existing == null ? null : CloudEventCodec.JSON.convertValue(existing, Map.class);
            if (live != null && c.action() != PolicyChange.Action.create && !PolicyWriter.owned(live)) {
                return "skipped: " + c.key() + " is not Trimtab's";
            }
            switch (c.action()) {
                case create -> {
                    if (existing != null) {
                        return "skipped: " + c.key() + " exists";
                    }
                    api.resource(CloudEventCodec.JSON.convertValue(c.policy(), GenericKubernetesResource.class))
                            .create();
                }
                case update -> {
                    if (existing == null) {
                        return "skipped: " + c.key() + " is gone";
                    }
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (existing.getMetadata().getLabels() != null) {
                        labels.putAll(existing.getMetadata().getLabels());
                    }
                    labels.putAll((Map<String, String>) meta.getOrDefault("labels", Map.of()));
                    existing.getMetadata().setLabels(labels);
                    existing.getAdditionalProperties().put("spec", c.policy().get("spec"));
                    api.resource(existing).update();
                }
                case delete -> {
                    if (existing == null) {
                        return "skipped: " + c.key() + " is gone";
                    }
                    resource.delete();
                }
            }
            return "applied";
        } catch (KubernetesClientException e) {
            LOG.warnf("network intent change %s %s refused: %s", c.action(), c.key(), e.getMessage());
            return "rejected: " + e.getCode() + " " + e.getMessage();
        }
    }

    /**
     * The report entry of a violation, on the pod the intent protects: the destination of a flow
     * (the source when the destination is an address), the pod of a NotIsolated.
     */
    static IntentResults.Finding finding(IntentViolation v) {
        String pod = v.to().contains("/") ? v.to() : v.from();
        int slash = pod.indexOf('/');
        ReportBook.Resource resource = slash < 0
                ? new ReportBook.Resource(NetworkIntent.API_VERSION, NetworkIntent.KIND, "", v.intent(), null)
                : new ReportBook.Resource("v1", "Pod", pod.substring(0, slash), pod.substring(slash + 1), null);
        return IntentResults.Finding.of(
                resource,
                v.intent(),
                "spec.rules[" + v.ruleIndex() + "] (" + v.ruleKind() + ")",
                v.where(),
                v.message());
    }

    private void publish(IntentViolation v, String status) {
        ObjectNode data = CloudEventCodec.JSON.valueToTree(IntentsAnswers.violation(v));
        data.put("status", status);
        data.put("remediation", remediation);
        PolicyAudit.send(events, VIOLATION, NetworkIntent.KIND, v.intent() + "/" + v.ruleIndex(), data);
    }

    private void publish(IntentPlan plan, List<String> outcomes) {
        ObjectNode data = CloudEventCodec.JSON.valueToTree(IntentsAnswers.plan(plan));
        data.put("remediation", remediation);
        for (int i = 0; i < outcomes.size(); i++) {
            ((ObjectNode) data.withArray("changes").get(i)).put("outcome", outcomes.get(i));
        }
        PolicyAudit.send(events, ENFORCEMENT, NetworkIntent.KIND, "plan", data);
    }
}
