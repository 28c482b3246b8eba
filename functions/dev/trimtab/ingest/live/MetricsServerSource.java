package dev.trimtab.ingest.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.live.AutoscalerEngine;
import dev.trimtab.autoscaler.live.LiveSettings;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.ingest.events.MetricEvents;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * metrics-server as the HPA reads it (README "metrics-server"): every
 * {@code trimtab.ingest.metrics-server.interval} (15 s, the HPA's sync period), for each workload
 * this instance decides for whose ScalingPolicy has a Resource or ContainerResource metric, the
 * {@code metrics.k8s.io/v1beta1} PodMetrics of its target's pods (the target's selector, one list
 * request per namespace and selector, as the HPA makes one per HPA), sent to
 * {@code trimtab.metrics} as the {@code PodMetricsList} events any metric pipeline sends, keyed by
 * the workload. On the durable path like every other metric event: recorded, replayable, decided
 * by the partition's owner. Off unless {@code trimtab.ingest.metrics-server.enabled=true}; needs
 * {@code list} on {@code pods.metrics.k8s.io}. A failed list is counted
 * ({@code trimtab_ingest_requests_total{receiver="metrics-server",code}}) and logged; the next
 * poll tries again, and the policy meanwhile sees stale or missing metrics, as an HPA would.
 */
@ApplicationScoped
public class MetricsServerSource {
    static final String RECEIVER = "metrics-server";
    static final ResourceDefinitionContext POD_METRICS = new ResourceDefinitionContext.Builder()
            .withGroup("metrics.k8s.io")
            .withVersion("v1beta1")
            .withKind("PodMetrics")
            .withPlural("pods")
            .withNamespaced(true)
            .build();
    private static final Logger LOG = Logger.getLogger(MetricsServerSource.class);

    private final KubernetesClient client;
    private final AutoscalerEngine engine;
    private final MetricForwarder forwarder;
    private final boolean enabled;
    private final int maxListItems;

    @Inject
    public MetricsServerSource(
            KubernetesClient client,
            AutoscalerEngine engine,
            MetricForwarder forwarder,
            IngestSettings settings,
            LiveSettings live) {
        this.client = client;
        this.engine = engine;
        this.forwarder = forwarder;
        this.enabled = settings.metricsServerEnabled() && live.clusterState() != LiveSettings.ClusterStateSource.none;
        this.maxListItems = Math.min(1000, engine.limits().maxListItems());
    }

    @Scheduled(
            every = "${trimtab.ingest.metrics-server-interval}",
            delayed = "${trimtab.ingest.metrics-server-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        if (enabled) {
            try {
                poll();
            } catch (RuntimeException e) {
                LOG.warnf("metrics-server poll not forwarded, tried again at the next: %s", e.getMessage());
            }
        }
    }

    /**
     * One poll: lists the pod metrics of every workload this instance decides for that reads a
     * resource metric, and sends them; returns how many PodMetrics were forwarded.
     *
     * @throws dev.trimtab.autoscaler.live.Delivery.NotDelivered when the broker did not take them in time
     */
    public int poll() {
        Map<String, List<AutoscalerEngine.ResourceReader>> byQuery = new LinkedHashMap<>();
        for (AutoscalerEngine.ResourceReader r : engine.resourceReaders()) {
            if (!r.pods().equals(dev.trimtab.kube.LabelSelector.NOTHING)) {
                byQuery.computeIfAbsent(r.namespace() + "\n" + r.pods(), k -> new ArrayList<>())
                        .add(r);
            }
        }
        Map<String, List<CloudEvent>> byWorkload = new LinkedHashMap<>();
        int pods = 0;
        MetricEvents events = new MetricEvents("/trimtab/ingest/" + RECEIVER, maxListItems);
        String poll = RECEIVER + "-" + UUID.randomUUID();
        for (List<AutoscalerEngine.ResourceReader> readers : byQuery.values()) {
            AutoscalerEngine.ResourceReader first = readers.get(0);
            List<JsonNode> items = list(first);
            if (items == null || items.isEmpty()) {
                continue;
            }
            pods += items.size() * readers.size();
            for (AutoscalerEngine.ResourceReader r : readers) {
                byWorkload.put(
                        r.workload(), podMetricsEvents(events, items, poll + "-" + byWorkload.size(), r.workload()));
            }
        }
        if (!byWorkload.isEmpty()) {
            forwarder.send(byWorkload);
            forwarder.forwarded(RECEIVER, pods);
        }
        return pods;
    }

    /** The PodMetrics of the reader's pods; null when the list failed (counted and logged). */
    private List<JsonNode> list(AutoscalerEngine.ResourceReader r) {
        try {
            List<GenericKubernetesResource> found = client.genericKubernetesResources(POD_METRICS)
                    .inNamespace(r.namespace())
                    .withLabelSelector(selector(r.pods()))
                    .list()
                    .getItems();
            forwarder.answered(RECEIVER, 200);
            List<JsonNode> out = new ArrayList<>(found.size());
            for (GenericKubernetesResource g : found) {
                out.add(CloudEventCodec.JSON.valueToTree(g));
            }
            return out;
        } catch (KubernetesClientException e) {
            forwarder.answered(RECEIVER, e.getCode());
            LOG.warnf(
                    "metrics-server: listing the pod metrics of %s (pods %s) failed (HTTP %d): %s",
                    r.workload(), r.pods(), e.getCode(), e.getMessage());
            return null;
        }
    }

    /** {@code PodMetricsList} events of these items for one workload, dated by their newest timestamp. */
    static List<CloudEvent> podMetricsEvents(
            MetricEvents events, List<JsonNode> items, String idPrefix, String workload) {
        List<CloudEvent> out = new ArrayList<>();
        int chunk = events.maxListItems();
        for (int from = 0; from < items.size(); from += chunk) {
            ObjectNode data = CloudEventCodec.JSON.createObjectNode();
            data.put("apiVersion", "metrics.k8s.io/v1beta1");
            data.put("kind", "PodMetricsList");
            data.putObject("metadata");
            ArrayNode list = data.putArray("items");
            Instant newest = null;
            for (JsonNode item : items.subList(from, Math.min(items.size(), from + chunk))) {
                list.add(item);
                Instant t = time(item.path("timestamp").asText(null));
                if (t != null && (newest == null || t.isAfter(newest))) {
                    newest = t;
                }
            }
            out.add(new CloudEvent(
                    idPrefix + "-" + (from / chunk + 1),
                    events.source(),
                    MetricEvents.TYPE,
                    null,
                    newest == null ? Instant.now() : newest,
                    "application/json",
                    data,
                    Map.of("partitionkey", workload)));
        }
        return out;
    }

    private static Instant time(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null; // the autoscaler's decoder names it when it folds the item
        }
    }

    /** The pod selector in fabric8's model (the list request's {@code labelSelector}). */
    static io.fabric8.kubernetes.api.model.LabelSelector selector(dev.trimtab.kube.LabelSelector s) {
        List<LabelSelectorRequirement> expressions = new ArrayList<>();
        for (dev.trimtab.kube.LabelSelector.Requirement r : s.matchExpressions()) {
            expressions.add(new LabelSelectorRequirement(
                    r.key(), r.operator().name(), r.values().stream().sorted().toList()));
        }
        return new LabelSelectorBuilder()
                .withMatchLabels(s.matchLabels())
                .withMatchExpressions(expressions)
                .build();
    }
}
