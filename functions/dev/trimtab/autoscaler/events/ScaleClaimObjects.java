package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleClaim;
import dev.trimtab.autoscaler.core.ScalingPolicy;

/**
 * Reads the claims on scale targets out of the objects that make them: an HPA
 * ({@code autoscaling/v1|v2} HorizontalPodAutoscaler, {@code spec.scaleTargetRef}), a KEDA
 * ScaledObject ({@code keda.sh/v1alpha1}, {@code spec.scaleTargetRef} whose apiVersion and kind
 * default to {@code apps/v1} Deployment, as KEDA defaults them), a ScalingPolicy. The HPA KEDA
 * makes for a ScaledObject (controller ownerReference to it) is shown as that ScaledObject.
 */
public final class ScaleClaimObjects {
    private ScaleClaimObjects() {}

    /** Whether the object is one that claims targets (ScalingPolicies aside). */
    public static boolean claims(ObjectRef ref) {
        return (ScaleClaim.HPA.equals(ref.kind()) && ref.group().equals("autoscaling"))
                || (ScaleClaim.SCALED_OBJECT.equals(ref.kind()) && ref.group().equals("keda.sh"));
    }

    /** The claim {@code object} makes; the target's namespace is the object's. */
    public static ScaleClaim claim(JsonNode object) {
        ObjectRef ref = KubeObjects.ref(object);
        Fields f = new Fields();
        JsonNode target = f.object(object.path("spec"), "scaleTargetRef", "spec.scaleTargetRef", true);
        boolean keda = ScaleClaim.SCALED_OBJECT.equals(ref.kind());
        String apiVersion = f.string(target, "apiVersion", "spec.scaleTargetRef.apiVersion", !keda);
        String kind = f.string(target, "kind", "spec.scaleTargetRef.kind", !keda);
        String name = f.string(target, "name", "spec.scaleTargetRef.name", true);
        long created = KubeObjects.time(
                object.path("metadata"), "creationTimestamp", "metadata.creationTimestamp", f, Long.MAX_VALUE);
        KubeObjects.throwIfAny(f, ref.toString());
        ObjectRef targetRef = new ObjectRef(
                apiVersion == null ? "apps/v1" : apiVersion, kind == null ? "Deployment" : kind, ref.namespace(), name);
        return new ScaleClaim(ref, shownAs(object, ref), ClusterState.TargetKey.of(targetRef), created);
    }

    /** A ScalingPolicy's own claim on its target. */
    public static ScaleClaim policyClaim(JsonNode object, ScalingPolicy policy) {
        Fields f = new Fields();
        long created = KubeObjects.time(
                object.path("metadata"), "creationTimestamp", "metadata.creationTimestamp", f, Long.MAX_VALUE);
        KubeObjects.throwIfAny(f, policy.ref().toString());
        return new ScaleClaim(policy.ref(), policy.ref(), ClusterState.TargetKey.of(policy.targetRef()), created);
    }

    private static ObjectRef shownAs(JsonNode object, ObjectRef ref) {
        if (!ScaleClaim.HPA.equals(ref.kind())) {
            return ref;
        }
        for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
            if (ScaleClaim.SCALED_OBJECT.equals(owner.path("kind").asText())
                    && owner.path("apiVersion").asText().startsWith("keda.sh/")
                    && owner.path("controller").asBoolean()) {
                return new ObjectRef(
                        owner.path("apiVersion").asText(),
                        ScaleClaim.SCALED_OBJECT,
                        ref.namespace(),
                        owner.path("name").asText());
            }
        }
        return ref;
    }
}
