package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * Replicas contend for one Lease on the mock API: exactly one leads, the other takes over; a
 * replica that lost the lease contends again and leads again, its listeners run again, and health
 * and metrics show it.
 */
class LeadershipTest {
    /** The CRUD mock API, refusing writes to Leases with 503 while {@code refuse} is set. */
    static final class FlakyLeases extends KubernetesCrudDispatcher {
        final AtomicBoolean refuse = new AtomicBoolean();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String m = request.getMethod();
            if (refuse.get() && request.getPath().contains("/leases") && !"GET".equals(m)) {
                return new MockResponse().setResponseCode(503).setBody("{\"kind\":\"Status\",\"code\":503}");
            }
            return super.dispatch(request);
        }
    }

    static KubernetesMockServer server(KubernetesCrudDispatcher dispatcher) {
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    static String holder(KubernetesClient api) {
        return api.leases()
                .inNamespace("trimtab")
                .withName("trimtab-policy")
                .get()
                .getSpec()
                .getHolderIdentity();
    }

    @Test
    void aReplicaWhoseLeaseWasTakenContendsAgainAndLeadsAgain() throws Exception {
        KubernetesMockServer server = server(new KubernetesCrudDispatcher());
        try (KubernetesClient api = server.createClient()) {
            AtomicInteger elected = new AtomicInteger();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Leadership a = Leadership.contend(api, lease("a"));
            LeadershipProducer.register(registry, a, "trimtab/trimtab-policy");
            a.onElected(elected::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(a::leader);
            assertThat(registry.get("trimtab_leader")
                            .tag("lease", "trimtab/trimtab-policy")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);

            // another identity writes itself into the Lease (and then never renews it)
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                api.leases().inNamespace("trimtab").withName("trimtab-policy").edit(l -> {
                    l.getSpec().setHolderIdentity("intruder");
                    l.getSpec().setRenewTime(ZonedDateTime.now());
                    l.getSpec().setAcquireTime(ZonedDateTime.now());
                    return l;
                }); // a 409 when a renewal came in between: try again
                return true;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.leader());
            assertThat(a.status().holder()).isEqualTo("intruder");
            assertThat(registry.get("trimtab_leader").gauge().value()).isEqualTo(0.0);

            // the intruder's lease runs out: a contends again, takes it, and its listener runs again
            await().atMost(Duration.ofSeconds(15)).until(a::leader);
            assertThat(holder(api)).isEqualTo("a#2"); // the second round's name
            assertThat(elected.get()).isEqualTo(2);
            assertThat(a.status().transitions()).isEqualTo(3);
            assertThat(registry.get("trimtab_leader_transitions_total")
                            .functionCounter()
                            .count())
                    .isEqualTo(3.0);
            HealthCheckResponse health = new LeadershipHealth(a).call();
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(health.getData().orElseThrow())
                    .containsEntry("leader", true)
                    .containsEntry("holder", "a#2")
                    .containsEntry("lease", "trimtab/trimtab-policy")
                    .containsEntry("transitions", 3L)
                    .containsKey("lastTransition");
            a.close();
            assertThat(new LeadershipHealth(a).call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        } finally {
            server.destroy();
        }
    }

    @Test
    void renewalsRefusedForAWhileLoseTheLeaseAndItIsRegainedAfterwards() throws Exception {
        FlakyLeases dispatcher = new FlakyLeases();
        KubernetesMockServer server = server(dispatcher);
        try (KubernetesClient api = server.createClient()) {
            AtomicInteger elected = new AtomicInteger();
            Leadership a = Leadership.contend(api, lease("a"));
            a.onElected(elected::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(a::leader);

            dispatcher.refuse.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.leader()); // past renewDeadline
            Thread.sleep(1000); // several failed rounds: still no leader, no crash
            assertThat(a.leader()).isFalse();
            assertThat(a.status().contending()).isTrue();

            dispatcher.refuse.set(false);
            await().atMost(Duration.ofSeconds(15)).until(a::leader);
            assertThat(elected.get()).isEqualTo(2);
            assertThat(holder(api)).startsWith("a#");
            a.close();
        } finally {
            server.destroy();
        }
    }

    @Test
    void alwaysIsHealthyAndLeads() {
        HealthCheckResponse health = new LeadershipHealth(Leadership.always()).call();
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(health.getData().orElseThrow()).containsEntry("leader", true);
    }

    static Leadership.Lease lease(String identity) {
        return new Leadership.Lease(
                "trimtab",
                "trimtab-policy",
                identity,
                Duration.ofSeconds(2),
                Duration.ofMillis(1500),
                Duration.ofMillis(200));
    }

    @Test
    void oneLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
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
            assertThat(api.leases()
                            .inNamespace("trimtab")
                            .withName("trimtab-policy")
                            .get()
                            .getSpec()
                            .getHolderIdentity())
                    .isEqualTo("a");

            a.close();
            await().atMost(Duration.ofSeconds(10)).until(b::leader);
            assertThat(electedA.get()).isEqualTo(1);
            assertThat(electedB.get()).isEqualTo(1);
            assertThat(api.leases()
                            .inNamespace("trimtab")
                            .withName("trimtab-policy")
                            .get()
                            .getSpec()
                            .getHolderIdentity())
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
