package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code /scale} writes against the fabric8 mock API server. */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class ScaleWriterTest {
    @Inject
    KubernetesClient client;

    @Inject
    ScaleWriter writer;

    Deployment deployment(String name, int replicas) {
        return client.apps()
                .deployments()
                .inNamespace("w")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace("w")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(replicas)
                        .withNewSelector()
                        .addToMatchLabels("app", name)
                        .endSelector()
                        .endSpec()
                        .build())
                .create();
    }

    static ScaleDecision decision(String name, int from, int to, String resourceVersion) {
        ObjectRef ref = new ObjectRef("apps/v1", "Deployment", "w", name);
        return new ScaleDecision(
                ref, ref, 0, from, to, Reason.DesiredWithinRange, "m", List.of(), to, to, false, resourceVersion);
    }

    int replicas(String name) {
        return client.apps()
                .deployments()
                .inNamespace("w")
                .withName(name)
                .get()
                .getSpec()
                .getReplicas();
    }

    @Test
    void writesTheScaleSubresourceAndReturnsTheNewVersion() {
        Deployment d = deployment("a", 2);
        ScaleWriter.Outcome o = writer.write(decision("a", 2, 5, d.getMetadata().getResourceVersion()));
        assertThat(o.kind()).isEqualTo(ScaleWriter.Outcome.Kind.Written);
        assertThat(o.resourceVersion()).isNotEqualTo(d.getMetadata().getResourceVersion());
        assertThat(replicas("a")).isEqualTo(5);
    }

    @Test
    void aStaleResourceVersionIsAConflictAndWritesNothing() {
        Deployment d = deployment("b", 2);
        client.apps().deployments().inNamespace("w").withName("b").scale(3); // someone else scaled it
        ScaleWriter.Outcome o = writer.write(decision("b", 2, 6, d.getMetadata().getResourceVersion()));
        assertThat(o.kind()).isEqualTo(ScaleWriter.Outcome.Kind.Conflict);
        assertThat(replicas("b")).isEqualTo(3);
        assertThat(writer.read(new ObjectRef("apps/v1", "Deployment", "w", "b")).specReplicas())
                .isEqualTo(3);
    }

    @Test
    void aMissingTargetIsNotFound() {
        assertThat(writer.write(decision("gone", 1, 2, "1")).kind()).isEqualTo(ScaleWriter.Outcome.Kind.NotFound);
    }
}
