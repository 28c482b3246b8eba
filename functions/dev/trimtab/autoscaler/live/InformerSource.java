package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.trimtab.kube.ScalerKinds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * With {@code trimtab.autoscaler.cluster-state=informers}, the cluster state comes straight from
 * the Kubernetes API: fabric8 informers on pods, Deployments, StatefulSets, HPAs, KEDA ScaledObjects
 * (when the CRD is served) and ScalingPolicies.
 * Each change becomes the same ApiServerSource-shaped event the cluster-event topic carries, so
 * one folding path serves both sources.
 */
@ApplicationScoped
public class InformerSource {
    private static final Logger LOG = Logger.getLogger(InformerSource.class);

    private final KubernetesClient client;
    private final AutoscalerEngine engine;
    private final ScaleApplier applier;
    private final LiveSettings settings;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    @Inject
    public InformerSource(KubernetesClient client, AutoscalerEngine engine, ScaleApplier applier, LiveSettings settings) {
        this.client = client;
        this.engine = engine;
        this.applier = applier;
        this.settings = settings;
    }

    void start(@Observes StartupEvent ignored) {
        if (settings.clusterState() != LiveSettings.ClusterStateSource.informers) {
            return;
        }
        // scale targets and pods first, so a policy finds its target when it arrives
        informers.add(client.apps().deployments().inAnyNamespace().inform(handler()));
        informers.add(client.apps().statefulSets().inAnyNamespace().inform(handler()));
        informers.add(client.pods().inAnyNamespace().inform(handler()));
        // who else scales what, before the policies: a policy on a target an HPA already scales is
        // refused from its first decision, never written first and refused after
        informers.add(client.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().inform(handler()));
        boolean keda = scaledObjectsServed();
        if (keda) {
            informers.add(client.genericKubernetesResources(ScalerKinds.SCALED_OBJECTS).inAnyNamespace().inform(handler()));
        }
        informers.add(client.genericKubernetesResources(ScalerKinds.SCALING_POLICIES).inAnyNamespace().inform(handler()));
        LOG.infof("cluster state from informers on pods, deployments, statefulsets, horizontalpodautoscalers, %s"
                + "and scalingpolicies", keda ? "scaledobjects " : "(no ScaledObject CRD: KEDA's own HPAs still seen) ");
    }

    /**
     * Whether the API serves {@code keda.sh/v1alpha1} scaledobjects (KEDA installed). Without the
     * CRD an informer's list fails; KEDA's HPAs ({@code keda-hpa-<name>}) are seen either way.
     * Checked once at start: install KEDA, then restart the autoscaler to watch ScaledObjects.
     */
    private boolean scaledObjectsServed() {
        try {
            return ScalerKinds.scaledObjectsServed(client);
        } catch (RuntimeException e) {
            LOG.infof("keda.sh/v1alpha1 not served (%s): ScaledObjects are not watched", e.getMessage());
            return false;
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                fold(EventFolder.ADD, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                fold(EventFolder.UPDATE, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                fold(EventFolder.DELETE, obj);
            }
        };
    }

    private void fold(String type, HasMetadata obj) {
        CloudEvent event = new CloudEvent(obj.getMetadata().getUid() + "/" + obj.getMetadata().getResourceVersion(),
                "/trimtab/autoscaler/informers", type, null, Instant.now(), "application/json",
                CloudEventCodec.JSON.valueToTree(obj), Map.of());
        try {
            engine.work(() -> {
                List<AutoscalerEngine.Evaluation> due = engine.accept(event);
                applier.foreignWrites(engine.drainForeignWrites());
                for (AutoscalerEngine.Evaluation ev : due) {
                    applier.apply(ev, event);
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warnf("ignored %s %s/%s from the API: %s", obj.getKind(), obj.getMetadata().getNamespace(),
                    obj.getMetadata().getName(), e.getMessage());
        }
    }
}
