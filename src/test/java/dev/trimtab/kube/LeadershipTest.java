package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two replicas contend for one Lease on the mock API: exactly one leads, and the other takes over. */
class LeadershipTest {
    static Leadership.Lease lease(String identity) {
        return new Leadership.Lease("trimtab", "trimtab-policy", identity, Duration.ofSeconds(2),
                Duration.ofMillis(1500), Duration.ofMillis(200));
    }

    @Test
    void oneLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient api = server.createClient()) {
            AtomicInteger electedA = new AtomicInteger();
            AtomicInteger electedB = new AtomicInteger();
            Leadership a = Leadership.contend(api, lease("a"));
            a.onElected(electedA::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(a::leader);
            Leadership b = Leadership.contend(api, lease("b"));
            b.onElected(electedB::incrementAndGet);
            Thread.sleep(1000); // several retry periods: b must not lead while a renews
            assertThat(b.leader()).isFalse();
            assertThat(api.leases().inNamespace("trimtab").withName("trimtab-policy").get().getSpec().getHolderIdentity())
                    .isEqualTo("a");

            a.close();
            await().atMost(Duration.ofSeconds(10)).until(b::leader);
            assertThat(electedA.get()).isEqualTo(1);
            assertThat(electedB.get()).isEqualTo(1);
            assertThat(api.leases().inNamespace("trimtab").withName("trimtab-policy").get().getSpec().getHolderIdentity())
                    .isEqualTo("b");
            b.close();
        } finally {
            server.destroy();
        }
    }

    @Test
    void alwaysLeadsAndTellsAtOnce() {
        AtomicInteger elected = new AtomicInteger();
        Leadership l = Leadership.always();
        l.onElected(elected::incrementAndGet);
        assertThat(l.leader()).isTrue();
        assertThat(elected.get()).isEqualTo(1);
    }
}
