package dev.trimtab.rbac.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

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
import java.util.List;
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

        // the command line's words: resource, asGroup, namespace or allNamespaces; no warning
        given().queryParam("as", "system:serviceaccount:build:ci")
                .queryParam("verb", "get")
                .queryParam("resource", "secrets/db")
                .queryParam("namespace", "shop")
                .get("/rbac/can-i")
                .then()
                .statusCode(200)
                .header("Warning", nullValue())
                .body("allowed", equalTo(true));
        // (ops is bound to cluster-admin, a ClusterRole this cluster does not have: no grant)
        given().queryParam("as", "bob")
                .queryParam("asGroup", "ops")
                .queryParam("asGroup", "audit")
                .queryParam("verb", "delete")
                .queryParam("resource", "nodes")
                .queryParam("allNamespaces", "true")
                .get("/rbac/can-i")
                .then()
                .statusCode(200)
                .header("Warning", nullValue())
                .body("groups", hasItems("ops", "audit", "system:authenticated"))
                .body("namespace", nullValue())
                .body("allowed", equalTo(false));
        // the previous release's words still answer, each with a Warning header as the API server sends
        List<String> warnings = given().queryParam("as", "bob")
                .queryParam("group", "ops")
                .queryParam("verb", "delete")
                .queryParam("target", "nodes")
                .get("/rbac/can-i")
                .then()
                .statusCode(200)
                .body("groups", hasItem("ops"))
                .body("resource", equalTo("nodes"))
                .extract()
                .headers()
                .getValues("Warning");
        assertThat(warnings)
                .hasSize(3)
                .allSatisfy(w -> assertThat(w).matches("299 - \".+\""))
                .anySatisfy(w -> assertThat(w).contains("target is deprecated: use resource=nodes"))
                .anySatisfy(w -> assertThat(w).contains("group is deprecated: use asGroup"))
                .anySatisfy(w -> assertThat(w).contains("no namespace: answered for all namespaces"));
        // a warning echoes the caller's words: a URL-decoded CR LF cannot add a header
        List<String> hostile = given().queryParam("as", "bob")
                .queryParam("verb", "get")
                .queryParam("target", "pods\r\nX-Evil: 1")
                .queryParam("namespace", "shop")
                .get("/rbac/can-i")
                .then()
                .statusCode(200)
                .header("X-Evil", nullValue())
                .extract()
                .headers()
                .getValues("Warning");
        assertThat(hostile).anySatisfy(w -> assertThat(w).contains("resource=pods??X-Evil: 1"));
        // a word with its old name, or a namespace with allNamespaces: 400 naming both
        given().queryParam("as", "bob")
                .queryParam("verb", "get")
                .queryParam("resource", "pods")
                .queryParam("target", "pods")
                .queryParam("namespace", "shop")
                .get("/rbac/can-i")
                .then()
                .statusCode(400)
                .body(containsString("resource and target"));
        given().queryParam("verb", "list")
                .queryParam("resource", "secrets")
                .queryParam("namespace", "shop")
                .queryParam("allNamespaces", "true")
                .get("/rbac/who-can")
                .then()
                .statusCode(400)
                .body(containsString("namespace and allNamespaces"));
        given().queryParam("verb", "list")
                .queryParam("namespace", "shop")
                .get("/rbac/who-can")
                .then()
                .statusCode(400)
                .body(containsString("resource: required"));
    }
}
