package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /scale} path of a target: its plural from the standard table, else discovery (a CRD's
 * own plural, which no rule guesses), else the RESTMapper's guess, with discovery asked at most once
 * a minute for a kind it does not know (issue 18: {@code kind + "s"} broke kinds ending in -y or -s).
 */
class ScaleWriterPluralTest {
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void standardKindsNeedNoDiscovery() {
        ScaleWriter w = new ScaleWriter(client);
        assertThat(w.plural("apps", "v1", "Deployment")).isEqualTo("deployments");
        assertThat(w.plural("", "v1", "ReplicationController")).isEqualTo("replicationcontrollers");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aCustomResourceTakesThePluralDiscoverySays() {
        server.expect()
                .get()
                .withPath("/apis/example.com/v1")
                .andReturn(
                        200,
                        new APIResourceListBuilder()
                                .withGroupVersion("example.com/v1")
                                .addToResources(new APIResourceBuilder()
                                        .withName("fish")
                                        .withKind("Fish")
                                        .withNamespaced(true)
                                        .build())
                                .addToResources(new APIResourceBuilder()
                                        .withName("fish/scale")
                                        .withKind("Scale")
                                        .withNamespaced(true)
                                        .build())
                                .build())
                .once();
        ScaleWriter w = new ScaleWriter(client);
        assertThat(w.plural("example.com", "v1", "Fish"))
                .as("not the guess, fishes")
                .isEqualTo("fish");
        assertThat(w.plural("example.com", "v1", "Fish")).isEqualTo("fish");
        assertThat(server.getRequestCount()).as("kept once discovered").isEqualTo(1);
    }

    @Test
    void anUnknownKindIsGuessedAndDiscoveryIsNotAskedOnEveryWrite() {
        ScaleWriter w = new ScaleWriter(client);
        assertThat(w.plural("example.com", "v1", "Proxy")).isEqualTo("proxies");
        assertThat(w.plural("example.com", "v1", "Proxy")).isEqualTo("proxies");
        assertThat(w.plural("example.com", "v1", "Gateway")).isEqualTo("gateways");
        assertThat(server.getRequestCount())
                .as("one discovery per kind, then a minute's wait")
                .isEqualTo(2);
    }
}
