package dev.trimtab.placement.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.cloudevents.CloudEventRecords;
import dev.trimtab.placement.rebalance.core.ClusterState;
import dev.trimtab.placement.rebalance.core.RebalanceProfile;
import dev.trimtab.placement.rebalance.core.Rebalancer;
import dev.trimtab.placement.rebalance.core.Recommendation;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.live.LivePolicies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Descheduler-style rebalancing on events: the placement function's object events (Nodes, Pods,
 * Namespaces, PodDisruptionBudgets) keep a {@link ClusterState}; after a change (at most every
 * {@code trimtab.placement.rebalance-interval}, 2 s: events only mark the state changed, there is
 * no periodic sweep of an unchanged cluster) the default strategies run, and each recommendation
 * that is new is a {@code dev.trimtab.decision.rebalance} CloudEvent on {@code trimtab.decisions}
 * (strategy, pod, node, reason, and what blocks it: an eviction limit or a PodDisruptionBudget).
 * With {@code trimtab.placement.rebalance-evict=true} unblocked recommendations are acted on
 * through the Eviction API (which the API server checks against PodDisruptionBudgets again), after
 * the admission policies' guardrail on the {@code pods/eviction} CREATE; while the cluster's
 * policies are not yet in force no eviction is made (outcome {@code held: policies not yet in
 * force}, reported once) and it is tried again at the first tick once they are. Off unless
 * {@code trimtab.placement.rebalance=true}.
 */
@ApplicationScoped
public class Rebalance {
    private static final Logger LOG = Logger.getLogger(Rebalance.class);
    static final String TYPE = "dev.trimtab.decision.rebalance";

    private final boolean enabled;
    private final boolean evict;
    private final KubernetesClient client;
    private final LivePolicies policies;
    private final Emitter<byte[]> decisions;
    private final MeterRegistry registry;
    private final String username;
    private final ClusterState state = new ClusterState();
    private final Rebalancer rebalancer = new Rebalancer(RebalanceProfile.defaults());
    private final BindGuard guard;
    private Map<String, Recommendation> reported = new HashMap<>();
    /** Recommendations whose eviction was held until the cluster's policies are in force, by key. */
    private Set<String> held = new HashSet<>();

    private boolean dirty;

    @Inject
    public Rebalance(
            @ConfigProperty(name = "trimtab.placement.rebalance", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "trimtab.placement.rebalance-evict", defaultValue = "false") boolean evict,
            @ConfigProperty(
                            name = "trimtab.placement.username",
                            defaultValue = "system:serviceaccount:trimtab:trimtab-placement")
                    String username,
            KubernetesClient client,
            LivePolicies policies,
            BindGuard guard,
            @Channel("placement-decisions") Emitter<byte[]> decisions,
            MeterRegistry registry) {
        this.guard = guard;
        this.enabled = enabled;
        this.evict = evict;
        this.username = username;
        this.client = client;
        this.policies = policies;
        this.decisions = decisions;
        this.registry = registry;
    }

    /** Folds an object event; other kinds are ignored. A malformed object throws, naming the field. */
    @SuppressWarnings("unchecked")
    synchronized void fold(CloudEvent e) {
        if (!enabled) {
            return;
        }
        JsonNode data = e.data();
        Map<String, Object> object = CloudEventCodec.JSON.convertValue(data, Map.class);
        boolean delete = e.type().endsWith(".delete");
        String namespace = data.at("/metadata/namespace").asText();
        String name = data.at("/metadata/name").asText();
        switch (data.path("kind").asText()) {
            case "Node" -> {
                if (delete) {
                    state.deleteNode(name);
                } else {
                    state.upsertNode(object);
                }
            }
            case "Pod" -> {
                if (delete) {
                    state.deletePod(namespace, name);
                } else {
                    state.upsertPod(object);
                }
            }
            case "PodDisruptionBudget" -> {
                if (delete) {
                    state.deleteDisruptionBudget(namespace, name);
                } else {
                    state.upsertDisruptionBudget(object);
                }
            }
            case "Namespace" -> {
                Map<String, String> labels = new LinkedHashMap<>();
                data.at("/metadata/labels")
                        .fields()
                        .forEachRemaining(
                                f -> labels.put(f.getKey(), f.getValue().asText()));
                state.upsertNamespace(name, labels);
            }
            default -> {
                return;
            }
        }
        dirty = true;
    }

    @Scheduled(
            every = "${trimtab.placement.rebalance-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    synchronized void recommend() {
        // an eviction held while the policies were not in force is tried again once they are
        if (!enabled || !(dirty || (!held.isEmpty() && guard.inForce()))) {
            return;
        }
        dirty = false;
        Map<String, Recommendation> now = new LinkedHashMap<>();
        Set<String> stillHeld = new HashSet<>();
        for (Recommendation r : rebalancer.recommend(state)) {
            now.put(r.key(), r);
            boolean same = r.equals(reported.get(r.key()));
            if (!same || held.contains(r.key())) {
                String outcome = r.blocked() ? "blocked: " + r.blocker() : evict ? evict(r) : "recommended";
                if (outcome.startsWith(HELD)) {
                    stillHeld.add(r.key());
                    if (same && held.contains(r.key())) {
                        continue; // reported as held already
                    }
                }
                registry.counter(
                                "trimtab_placement_rebalance_total",
                                "strategy",
                                r.strategy(),
                                "outcome",
                                outcome.replaceAll(":.*", ""))
                        .increment();
                log(r, outcome);
            }
        }
        reported = now;
        held = stillHeld;
    }

    private static final String HELD = "held: ";

    private String evict(Recommendation r) {
        String notInForce = guard.held("evict");
        if (notInForce != null) {
            return HELD + notInForce;
        }
        PolicyEngine.Verdict v = policies.size() == 0
                ? null
                : policies.review(new AdmissionRequest(
                        UUID.randomUUID().toString(),
                        new AdmissionRequest.Gvk("policy", "v1", "Eviction"),
                        new AdmissionRequest.Gvr("", "v1", "pods"),
                        "eviction",
                        null,
                        null,
                        null,
                        r.pod(),
                        r.namespace(),
                        "CREATE",
                        AdmissionRequest.UserInfo.serviceAccount(username),
                        false,
                        null,
                        Map.of(
                                "apiVersion",
                                "policy/v1",
                                "kind",
                                "Eviction",
                                "metadata",
                                Map.of("name", r.pod(), "namespace", r.namespace())),
                        null));
        if (v != null && !v.allowed()) {
            return "denied by policy: " + v.message();
        }
        try {
            return client.pods().inNamespace(r.namespace()).withName(r.pod()).evict()
                    ? "evicted"
                    : "refused: a PodDisruptionBudget does not allow it now";
        } catch (KubernetesClientException e) {
            return "failed: " + e.getCode() + " " + e.getMessage();
        }
    }

    private void log(Recommendation r, String outcome) {
        ObjectNode data = CloudEventCodec.JSON.createObjectNode();
        data.put("strategy", r.strategy());
        data.putObject("pod").put("namespace", r.namespace()).put("name", r.pod());
        data.put("node", r.node());
        data.put("reason", r.reason());
        if (r.blocked()) {
            data.put("blocker", r.blocker().name());
            data.put("blockedBecause", r.blockedBecause());
        }
        data.put("outcome", outcome);
        LOG.infof("rebalance %s: %s", r, outcome);
        CloudEvent event = new CloudEvent(
                UUID.randomUUID().toString(),
                "/trimtab/placement",
                TYPE,
                "Pod/" + r.key(),
                Instant.now(),
                "application/json",
                data,
                Map.of("partitionkey", r.key()));
        CloudEventRecords.send(decisions, event);
    }

    /** The recommendations last reported, for tests and the status endpoint. */
    synchronized List<Recommendation> current() {
        return List.copyOf(reported.values());
    }
}
