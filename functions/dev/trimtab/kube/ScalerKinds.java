package dev.trimtab.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The kinds that scale a workload's {@code spec.replicas}, as the autoscaler and the policy
 * function's webhook read them to keep one owner per scale target: HPAs, KEDA ScaledObjects and
 * Trimtab's ScalingPolicies.
 */
public final class ScalerKinds {
    public static final ResourceDefinitionContext HPAS = new ResourceDefinitionContext.Builder()
            .withGroup("autoscaling")
            .withVersion("v2")
            .withKind("HorizontalPodAutoscaler")
            .withPlural("horizontalpodautoscalers")
            .withNamespaced(true)
            .build();
    public static final ResourceDefinitionContext SCALED_OBJECTS = new ResourceDefinitionContext.Builder()
            .withGroup("keda.sh")
            .withVersion("v1alpha1")
            .withKind("ScaledObject")
            .withPlural("scaledobjects")
            .withNamespaced(true)
            .build();
    public static final ResourceDefinitionContext SCALING_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("trimtab.dev")
            .withVersion("v1alpha1")
            .withKind("ScalingPolicy")
            .withPlural("scalingpolicies")
            .withNamespaced(true)
            .build();

    private ScalerKinds() {}

    /**
     * Whether the API serves {@code keda.sh/v1alpha1} scaledobjects (KEDA installed). Without the
     * CRD an informer's list fails; KEDA's own HPAs ({@code keda-hpa-<name>}) are seen either way.
     *
     * @throws RuntimeException when discovery itself fails (the caller decides what that means)
     */
    public static boolean scaledObjectsServed(KubernetesClient client) {
        var resources = client.getApiResources("keda.sh/v1alpha1");
        return resources != null
                && resources.getResources().stream().anyMatch(r -> "scaledobjects".equals(r.getName()));
    }
}
