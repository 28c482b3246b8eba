package dev.trimtab.kube;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Informers that turn object changes into the ApiServerSource-shaped CloudEvents
 * ({@code dev.knative.apiserver.resource.add/update/delete}, the object in {@code data}) the
 * cluster-event topic carries, for clusters without an ApiServerSource, and for a view that does
 * not depend on the topic's retention: each kind starts with a full list (docs/decisions/0021).
 * The kinds are listed one after the other, in the order given (placement: Namespaces and Nodes
 * before the Pods that are placed on them), each once the one before it has reached the sink, in the background with {@link Watches}' backoff, so
 * start-up never waits for the API server; {@link #synced()} tells when all have been listed. A
 * consumer that throws (a malformed object) is logged with the object's name; the informer goes on.
 */
public final class InformerEvents implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InformerEvents.class);

    private final Watches watches;
    private final List<ResourceDefinitionContext> kinds;
    private final String source;
    private final Consumer<CloudEvent> sink;
    private int started;

    private InformerEvents(
            Watches watches, List<ResourceDefinitionContext> kinds, String source, Consumer<CloudEvent> sink) {
        this.watches = watches;
        this.kinds = kinds;
        this.source = source;
        this.sink = sink;
    }

    /**
     * Informers on each {@code apiVersion/Kind} of {@code kinds} ({@code v1/Pod}, {@code apps/v1/Deployment}),
     * all namespaces, each started once every object of the one before it has reached the sink. A kind that is not
     * {@code apiVersion/Kind} is logged and skipped. Nothing is started for no kinds.
     */
    public static InformerEvents start(
            KubernetesClient client, List<String> kinds, String source, Consumer<CloudEvent> sink, String threadName) {
        List<ResourceDefinitionContext> contexts = new ArrayList<>();
        for (String k : kinds) {
            ResourceDefinitionContext c = context(k);
            if (c == null) {
                LOG.errorf("%s: got \"%s\", expected apiVersion/Kind (v1/Pod, apps/v1/Deployment)", source, k);
            } else {
                contexts.add(c);
            }
        }
        InformerEvents i = new InformerEvents(
                contexts.isEmpty()
                        ? null
                        : new Watches(client, Watches.DEFAULT_INITIAL, Watches.DEFAULT_MAX, threadName),
                contexts,
                source,
                sink);
        i.next();
        return i;
    }

    /**
     * The kind's resource: the plural guessed as kubectl and fabric8 do (no discovery call);
     * namespaced, which for a cluster-scoped kind lists the same path across all namespaces.
     */
    public static ResourceDefinitionContext context(String apiVersionKind) {
        int slash = apiVersionKind.lastIndexOf('/');
        if (slash <= 0 || slash == apiVersionKind.length() - 1) {
            return null;
        }
        String apiVersion = apiVersionKind.substring(0, slash);
        String kind = apiVersionKind.substring(slash + 1);
        int gv = apiVersion.indexOf('/');
        return new ResourceDefinitionContext.Builder()
                .withGroup(gv < 0 ? "" : apiVersion.substring(0, gv))
                .withVersion(gv < 0 ? apiVersion : apiVersion.substring(gv + 1))
                .withKind(kind)
                .withPlural(Pluralize.toPlural(kind.toLowerCase(Locale.ROOT)))
                .withNamespaced(true)
                .build();
    }

    private synchronized void next() {
        if (watches == null || started >= kinds.size()) {
            return;
        }
        ResourceDefinitionContext kind = kinds.get(started++);
        // the next kind once this one's listed objects have reached the sink, not just been listed
        watches.watch(kind, handler(kind), listed -> {}, this::next);
    }

    /**
     * Whether every kind has been listed (or is known not to be served) and every listed object has
     * reached the sink (the informer delivers the listed objects after the list, on its own thread);
     * true for no kinds.
     */
    public synchronized boolean synced() {
        return watches == null || started == kinds.size() && watches.folded();
    }

    /** How many listed objects have still to reach the sink. */
    public int pending() {
        return watches == null ? 0 : watches.pending();
    }

    /** Each started kind's state; kinds not started yet are missing. */
    public List<Watches.Status> statuses() {
        return watches == null ? List.of() : watches.statuses();
    }

    @Override
    public void close() {
        if (watches != null) {
            watches.close();
        }
    }

    private ResourceEventHandler<GenericKubernetesResource> handler(ResourceDefinitionContext kind) {
        String apiVersion = kind.getGroup() == null || kind.getGroup().isEmpty()
                ? kind.getVersion()
                : kind.getGroup() + "/" + kind.getVersion();
        return new ResourceEventHandler<>() {
            public void onAdd(GenericKubernetesResource obj) {
                send("dev.knative.apiserver.resource.add", typed(obj));
            }

            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                send("dev.knative.apiserver.resource.update", typed(obj));
            }

            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                send("dev.knative.apiserver.resource.delete", typed(obj));
            }

            // list items may lack apiVersion and kind, which the consumers route by
            private GenericKubernetesResource typed(GenericKubernetesResource obj) {
                obj.setApiVersion(apiVersion);
                obj.setKind(kind.getKind());
                return obj;
            }
        };
    }

    private void send(String type, GenericKubernetesResource obj) {
        try {
            sink.accept(new CloudEvent(
                    obj.getMetadata().getUid() + "/" + obj.getMetadata().getResourceVersion(),
                    source,
                    type,
                    null,
                    Instant.now(),
                    "application/json",
                    CloudEventCodec.JSON.valueToTree(obj),
                    Map.of()));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "%s: could not take %s %s/%s: %s",
                    source,
                    obj.getKind(),
                    obj.getMetadata().getNamespace(),
                    obj.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
