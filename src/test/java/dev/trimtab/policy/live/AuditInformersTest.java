package dev.trimtab.policy.live;

import static org.awaitility.Awaitility.await;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.Reports;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The continuous audit fed by informers: pods in the API land in the PolicyReport. */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(PolicyAuditTest.Audit.class) // its settings include trimtab.policy.audit-informers=v1/Pod
class AuditInformersTest {
    @Inject
    KubernetesClient client;

    int fails() {
        var r = Reports.of(client, "trimtab-policy", "Pod", "watched", "web");
        return r == null ? -1 : r.at("/summary/fail").asInt();
    }

    @Test
    void podsFromTheApiAreAudited() {
        client.pods()
                .inNamespace("watched")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .withNamespace("watched")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("web")
                        .withImage("nginx:latest")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        await().atMost(Duration.ofSeconds(20)).until(() -> fails() == 1);
        client.pods().inNamespace("watched").withName("web").edit(p -> {
            p.getSpec().getContainers().get(0).setImage("nginx:1.27");
            return p;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> fails() == 0);
    }
}
