package dev.trimtab.rbac.live;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.WatchedCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The RBAC questions over HTTP, answered from the RBAC objects watched in the (mock) cluster. */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(WatchedCluster.class)
class RbacEndpointTest {
    @Inject
    KubernetesClient client;

    @Inject
    LiveRbac rbac;

    @Test
    void canIWhoCanAndEscalationsFollowTheClusterRbac() {
        client.rbac()
                .roles()
                .inNamespace("shop")
                .resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName("reader")
                        .withNamespace("shop")
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("")
                        .withResources("secrets")
                        .withVerbs("get", "list")
                        .endRule()
                        .build())
                .create();
        client.rbac()
                .roleBindings()
                .inNamespace("shop")
                .resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName("ci-reads")
                        .withNamespace("shop")
                        .endMetadata()
                        .withNewRoleRef()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("Role")
                        .withName("reader")
                        .endRoleRef()
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("ci")
                        .withNamespace("build")
                        .endSubject()
                        .build())
                .create();
        client.rbac()
                .clusterRoleBindings()
                .resource(new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName("ops-admin")
                        .endMetadata()
                        .withNewRoleRef()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("ClusterRole")
                        .withName("cluster-admin")
                        .endRoleRef()
                        .addNewSubject()
                        .withKind("Group")
                        .withName("ops")
                        .withApiGroup("rbac.authorization.k8s.io")
                        .endSubject()
                        .build())
                .create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> rbac.model().bindings().size() == 2);

        given().queryParam("as", "system:serviceaccount:build:ci")
                .queryParam("verb", "get")
                .queryParam("target", "secrets/db")
                .queryParam("namespace", "shop")
                .get("/rbac/can-i")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(true))
                .body("rules[0].binding.name", equalTo("ci-reads"));
        given().queryParam("as", "system:serviceaccount:build:ci")
                .queryParam("verb", "get")
                .queryParam("target", "secrets")
                .queryParam("namespace", "prod")
                .get("/rbac/can-i")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(false));
        given().queryParam("verb", "list")
                .queryParam("target", "secrets")
                .queryParam("namespace", "shop")
                .get("/rbac/who-can")
                .then()
                .statusCode(200)
                .body("subjects.name", hasItem("ci"))
                .body("subjects.size()", equalTo(1)); // no cluster-admin role here
        given().get("/rbac/escalations")
                .then()
                .statusCode(200)
                .body("code", hasItem("SecretRead"))
                .body("code", hasItem("ClusterAdmin"));
        given().queryParam("as", "alice")
                .queryParam("target", "pods")
                .get("/rbac/can-i")
                .then()
                .statusCode(400)
                .body(containsString("verb: required"));
    }
}
