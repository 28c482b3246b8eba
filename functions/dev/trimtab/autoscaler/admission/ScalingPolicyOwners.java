package dev.trimtab.autoscaler.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.ScaleClaim;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.autoscaler.events.InvalidObjectException;
import dev.trimtab.autoscaler.events.ScalingPolicyParser;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.ScalerKinds;
import dev.trimtab.kube.Watches;
import dev.trimtab.policy.core.AdmissionCheck;
import dev.trimtab.policy.core.AdmissionRequest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * At admission, a ScalingPolicy whose target another autoscaler already scales is refused (422,
 * naming {@code spec.scaleTargetRef} and the other owner), and one the autoscaler could not read
 * is refused naming the field. With {@code trimtab.policy.scaling-policy-owners=true}, informers
 * on HPAs, KEDA ScaledObjects (where the CRD is served) and ScalingPolicies keep the claims on
 * targets, folded by the autoscaler's own {@link EventFolder}, and the owner is decided by the
 * autoscaler's rule ({@link dev.trimtab.autoscaler.core.ScaleClaims}): the same answer the
 * autoscaler gives a policy that got past admission (it refuses it with
 * {@code AbleToScale=False/TargetAlreadyScaled}). Off by default: the policy function's
 * ServiceAccount then needs list/watch on those three kinds, and the validating webhook a rule for
 * {@code scalingpolicies} (docs/decisions/0019). It runs in the policy function's webhook as an
 * {@link AdmissionCheck}; it lives with the autoscaler, whose rules it applies.
 */
@ApplicationScoped
public class ScalingPolicyOwners implements AdmissionCheck {
    private static final Logger LOG = Logger.getLogger(ScalingPolicyOwners.class);
    static final String SOURCE = "/trimtab/policy/scaling-policy-owners";

    private final KubernetesClient client;
    private final boolean enabled;
    private final ClusterState state = new ClusterState();
    private final EventFolder folder = new EventFolder(state);
    private volatile Watches watches;

    @Inject
    public ScalingPolicyOwners(
            KubernetesClient client,
            @ConfigProperty(name = "trimtab.policy.scaling-policy-owners", defaultValue = "false") boolean enabled) {
        this.client = client;
        this.enabled = enabled;
    }

    void start(@Observes StartupEvent ignored) {
        if (!enabled) {
            return;
        }
        // in the background, retried with backoff: a ScaledObject kind that is not served (no KEDA)
        // counts as listed, and is picked up if KEDA is installed later
        Watches w = new Watches(client, Watches.DEFAULT_INITIAL, Watches.DEFAULT_MAX, "trimtab-scaler-watches");
        watches = w;
        ResourceEventHandler<GenericKubernetesResource> handler = new ResourceEventHandler<>() {
            public void onAdd(GenericKubernetesResource obj) {
                observe(event(EventFolder.ADD, obj));
            }

            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                observe(event(EventFolder.UPDATE, obj));
            }

            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                observe(event(EventFolder.DELETE, obj));
            }
        };
        for (var kind : List.of(ScalerKinds.HPAS, ScalerKinds.SCALED_OBJECTS, ScalerKinds.SCALING_POLICIES)) {
            w.watch(kind, handler, listed -> {});
        }
        LOG.info("ScalingPolicies are checked at admission against the HPAs, ScaledObjects and ScalingPolicies seen");
    }

    private static CloudEvent event(String type, GenericKubernetesResource obj) {
        return new CloudEvent(
                obj.getMetadata().getUid() + "/" + obj.getMetadata().getResourceVersion(),
                SOURCE,
                type,
                null,
                Instant.now(),
                "application/json",
                CloudEventCodec.JSON.valueToTree(obj),
                Map.of());
    }

    void stop(@Observes ShutdownEvent ignored) {
        Watches w = watches;
        if (w != null) {
            w.close();
        }
    }

    /** An object event from the informers. */
    synchronized void observe(CloudEvent event) {
        try {
            folder.fold(event, System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warnf("%s: ignored %s: %s", SOURCE, event.id(), e.getMessage());
        }
    }

    @Override
    public Stage stage() {
        return Stage.VALIDATE;
    }

    /**
     * Why a ScalingPolicy being created or updated must be refused (its problems naming the field,
     * or the other owner of its target); null when it may be stored, or when the check is off.
     */
    @Override
    public synchronized String refusal(AdmissionRequest r) {
        if (!enabled
                || r.object() == null
                || !"trimtab.dev".equals(r.kind().group())
                || !ScalingPolicyParser.KIND.equals(r.kind().kind())) {
            return null;
        }
        ObjectNode object = CloudEventCodec.JSON.valueToTree(r.object());
        if (!object.path("metadata").hasNonNull("namespace")
                && object.path("metadata").isObject()) {
            ((ObjectNode) object.get("metadata")).put("namespace", r.namespace());
        }
        ScalingPolicy policy;
        try {
            policy = ScalingPolicyParser.parse(object);
        } catch (InvalidObjectException e) {
            return e.getMessage();
        }
        Watches w = watches;
        // listed is not enough: the informers hand the listed objects to observe() later, on their thread
        if (w == null || !w.folded()) {
            // never admitted unchecked: the API server's answer to a refusal is a retry by the author
            return "spec.scaleTargetRef: cannot check yet whether another autoscaler scales " + policy.targetRef()
                    + ": the HPAs, ScaledObjects and ScalingPolicies are not all listed and seen yet ("
                    + (w == null
                            ? "not started"
                            : w.statuses().stream()
                                    .filter(st -> !st.folded())
                                    .map(st -> st.kind() + " " + st.describeFolds())
                                    .toList())
                    + "); retry shortly";
        }
        ScaleClaim owner = state.claims().otherOwner(ClusterState.TargetKey.of(policy.targetRef()), policy.ref());
        if (owner == null) {
            return null;
        }
        return "spec.scaleTargetRef: " + policy.targetRef() + " is already scaled by " + owner
                + (owner.foreign() ? "" : " (an older ScalingPolicy)")
                + ": two autoscalers would fight over spec.replicas; delete that one first or target another workload";
    }
}
