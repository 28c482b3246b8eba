package dev.trimtab.placement.live;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Binds pods as a scheduler does: a {@code Binding} (target: the Node) created for the pod, which
 * the API server turns into the pod's {@code spec.nodeName} and refuses with 409 when the pod is
 * already bound. The fabric8 mock API server stores the Binding but never binds the pod; with
 * {@code trimtab.placement.mock-api=true} (tests, the local run) the binder then also sets
 * {@code spec.nodeName} itself with a JSON patch that tests it is still empty, which a real API
 * server would refuse (the field is immutable once set). Also records the scheduler's Events.
 */
@ApplicationScoped
public class Binder {
    private static final Logger LOG = Logger.getLogger(Binder.class);
    static final String COMPONENT = "trimtab-placement";

    public enum Result {
        BOUND,
        ALREADY_BOUND,
        FAILED
    }

    private final KubernetesClient client;
    private final boolean mockApi;

    @Inject
    public Binder(
            KubernetesClient client,
            @ConfigProperty(name = "trimtab.placement.mock-api", defaultValue = "false") boolean mockApi) {
        this.client = client;
        this.mockApi = mockApi;
    }

    Result bind(String namespace, String name, String uid, String node) {
        try {
            client.bindings()
                    .inNamespace(namespace)
                    .resource(new BindingBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(namespace)
                            .withUid(uid)
                            .endMetadata()
                            .withNewTarget()
                            .withApiVersion("v1")
                            .withKind("Node")
                            .withName(node)
                            .endTarget()
                            .build())
                    .create();
            if (mockApi) {
                client.pods()
                        .inNamespace(namespace)
                        .withName(name)
                        .patch(
                                PatchContext.of(PatchType.JSON),
                                "[{\"op\":\"add\",\"path\":\"/spec/nodeName\",\"value\":\"" + node + "\"}]");
            }
            return Result.BOUND;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                Pod now = client.pods().inNamespace(namespace).withName(name).get();
                if (now == null
                        || (now.getSpec().getNodeName() != null
                                && !now.getSpec().getNodeName().isEmpty())) {
                    return Result.ALREADY_BOUND;
                }
            }
            LOG.warnf("binding %s/%s to %s failed: %d %s", namespace, name, node, e.getCode(), e.getMessage());
            return Result.FAILED;
        }
    }

    void scheduled(String namespace, String name, String node) {
        event(
                namespace,
                name,
                "Normal",
                "Scheduled",
                "Successfully assigned " + namespace + "/" + name + " to " + node);
    }

    void failed(String namespace, String name, String message) {
        event(namespace, name, "Warning", "FailedScheduling", message);
    }

    private void event(String namespace, String name, String type, String reason, String message) {
        String now = Instant.now().toString();
        try {
            client.v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withGenerateName(name + ".")
                            .withNamespace(namespace)
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion("v1")
                            .withKind("Pod")
                            .withName(name)
                            .withNamespace(namespace)
                            .endInvolvedObject()
                            .withType(type)
                            .withReason(reason)
                            .withMessage(message)
                            .withNewSource()
                            .withComponent(COMPONENT)
                            .endSource()
                            .withReportingComponent(COMPONENT)
                            .withFirstTimestamp(now)
                            .withLastTimestamp(now)
                            .withEventTime(new MicroTime(now))
                            .withCount(1)
                            .build())
                    .create();
        } catch (RuntimeException e) {
            LOG.warnf("could not record the %s event of %s/%s: %s", reason, namespace, name, e.getMessage());
        }
    }
}
