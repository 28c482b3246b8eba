package dev.trimtab.autoscaler.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.ScalerKinds;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Reads the HPAs (and KEDA ScaledObjects, where served) of a namespace straight from the API, for
 * the check before a policy's first write ({@link ScaleApplier}): the cluster-event topic carries
 * objects in no particular order across partitions, so a ScalingPolicy can be folded before the
 * HPA that already scales its target. Null when the API could not be read.
 */
@ApplicationScoped
public class ScaleClaimReader {
    private static final Logger LOG = Logger.getLogger(ScaleClaimReader.class);

    private final KubernetesClient client;
    private volatile boolean keda;

    @Inject
    public ScaleClaimReader(KubernetesClient client) {
        this.client = client;
    }

    /** The claiming objects of {@code namespace} as JSON, or null when they could not be listed. */
    public List<JsonNode> claims(String namespace) {
        List<JsonNode> out = new ArrayList<>();
        try {
            client.autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .forEach(h -> out.add(CloudEventCodec.JSON.valueToTree(h)));
            if (kedaServed()) {
                client.genericKubernetesResources(ScalerKinds.SCALED_OBJECTS)
                        .inNamespace(namespace)
                        .list()
                        .getItems()
                        .forEach(s -> out.add(CloudEventCodec.JSON.valueToTree(s)));
            }
            return out;
        } catch (RuntimeException e) {
            LOG.warnf(
                    "could not list the autoscalers of namespace %s before a first write: %s",
                    namespace, e.getMessage());
            return null;
        }
    }

    /**
     * Whether KEDA's ScaledObjects are served: a yes is kept, a no is asked again at the next first
     * write (KEDA may be installed later), and a failed discovery fails the listing (the write waits).
     */
    private boolean kedaServed() {
        if (!keda) {
            keda = ScalerKinds.scaledObjectsServed(client);
        }
        return keda;
    }
}
