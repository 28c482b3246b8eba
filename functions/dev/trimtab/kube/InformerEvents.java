package dev.trimtab.kube;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Informers that turn object changes into the ApiServerSource-shaped CloudEvents
 * ({@code dev.knative.apiserver.resource.add/update/delete}, the object in {@code data}) the
 * cluster-event topic carries, for clusters without an ApiServerSource. A consumer that throws
 * (a malformed object) is logged with the object's name; the informer goes on.
 */
public final class InformerEvents {
    private static final Logger LOG = Logger.getLogger(InformerEvents.class);

    private InformerEvents() {}

    /**
     * One informer per {@code apiVersion/Kind} of {@code kinds} ({@code v1/Pod}, {@code apps/v1/Deployment}),
     * all namespaces. A kind that is not {@code apiVersion/Kind} is logged and skipped.
     */
    public static List<SharedIndexInformer<GenericKubernetesResource>> start(KubernetesClient client, List<String> kinds,
                                                                            String source, Consumer<CloudEvent> sink) {
        List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
        for (String k : kinds) {
            int slash = k.lastIndexOf('/');
            if (slash <= 0) {
                LOG.errorf("%s: got \"%s\", expected apiVersion/Kind (v1/Pod, apps/v1/Deployment)", source, k);
                continue;
            }
            informers.add(client.genericKubernetesResources(k.substring(0, slash), k.substring(slash + 1))
                    .inAnyNamespace().inform(handler(source, sink)));
        }
        return informers;
    }

    private static ResourceEventHandler<GenericKubernetesResource> handler(String source, Consumer<CloudEvent> sink) {
        return new ResourceEventHandler<>() {
            public void onAdd(GenericKubernetesResource obj) {
                send("dev.knative.apiserver.resource.add", obj, source, sink);
            }

            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                send("dev.knative.apiserver.resource.update", obj, source, sink);
            }

            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                send("dev.knative.apiserver.resource.delete", obj, source, sink);
            }
        };
    }

    private static void send(String type, GenericKubernetesResource obj, String source, Consumer<CloudEvent> sink) {
        try {
            sink.accept(new CloudEvent(obj.getMetadata().getUid() + "/" + obj.getMetadata().getResourceVersion(), source,
                    type, null, Instant.now(), "application/json", CloudEventCodec.JSON.valueToTree(obj), Map.of()));
        } catch (RuntimeException e) {
            LOG.warnf("%s: could not take %s %s/%s: %s", source, obj.getKind(), obj.getMetadata().getNamespace(),
                    obj.getMetadata().getName(), e.getMessage());
        }
    }
}
