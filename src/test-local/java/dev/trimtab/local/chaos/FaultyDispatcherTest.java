package dev.trimtab.local.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fault layer seen by a real fabric8 client (the one the autoscaler uses), through the proxy. */
class FaultyDispatcherTest {
    static final String NS = "chaos";
    static final long SEED = 20261206L;
    static FaultyDispatcher faults;
    static MockApi api;
    static KubernetesClient raw;

    @BeforeAll
    static void start() {
        faults = MockApi.crud(SEED);
        api = MockApi.start(faults);
        api.directClient().apps().deployments().inNamespace(NS).resource(deployment("web")).create();
        raw = api.newClient(0);
    }

    @AfterAll
    static void stop() {
        raw.close();
        api.close();
    }

    static Deployment deployment(String name) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().endTemplate().endSpec()
                .build();
    }

    /** One PUT on /scale through the faulted client; returns the HTTP code (200 when written, 0 without an answer). */
    static int putScale(KubernetesClient c, int replicas) {
        Scale scale = api.directClient().apps().deployments().inNamespace(NS).withName("web").scale();
        scale.getMetadata().setResourceVersion(null); // no stale-version 409s from the store itself
        scale.getSpec().setReplicas(replicas);
        try {
            c.apps().deployments().inNamespace(NS).withName("web").scale(scale);
            return 200;
        } catch (KubernetesClientException e) {
            if (e.getStatus() == null && e.getCode() <= 0) {
                Throwable cause = rootCause(e);
                if (!(cause instanceof IOException || cause instanceof io.vertx.core.http.HttpClosedException)) {
                    throw e;
                }
                return 0;
            }
            return e.getCode();
        }
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void scaleWritesGetConflictsThrottlingAndServerErrorsAtTheConfiguredRates() {
        long attempts0 = faults.scaleWriteAttempts();
        long writes0 = faults.scaleWrites();
        faults.rates(new FaultyDispatcher.Rates(0.30, 0.20, 2, 0.05, 0, 0, Duration.ZERO, 0));
        int n = 1000;
        Map<Integer, Integer> codes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            codes.merge(putScale(raw, 1 + i % 5), 1, Integer::sum);
        }
        faults.rates(FaultyDispatcher.Rates.NONE);
        int fiveHundreds = codes.getOrDefault(500, 0) + codes.getOrDefault(503, 0);
        System.out.println("codes over " + n + " PUTs (seed " + SEED + "): " + codes + ", injected " + faults.injected());
        // binomial, n = 1000: 4 standard deviations at most
        assertThat(codes.getOrDefault(409, 0)).isBetween(242, 358);
        assertThat(codes.getOrDefault(429, 0)).isBetween(150, 250);
        assertThat(fiveHundreds).isBetween(22, 78);
        assertThat(codes.keySet()).containsOnly(200, 409, 429, 500, 503);
        assertThat(faults.scaleWriteAttempts() - attempts0).isEqualTo(n);
        assertThat(faults.scaleWrites() - writes0).isEqualTo(codes.get(200).longValue());

        Map<Integer, Integer> clean = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            clean.merge(putScale(raw, 1 + i % 5), 1, Integer::sum);
        }
        assertThat(clean).isEqualTo(Map.of(200, 200));
    }

    @Test
    void throttlingCarriesRetryAfter() throws Exception {
        faults.rates(new FaultyDispatcher.Rates(0, 1.0, 7, 0, 0, 0, Duration.ZERO, 0));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url()
                    + "apis/apps/v1/namespaces/" + NS + "/deployments/web/scale")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).contains("7");
            assertThatThrownBy(() -> raw.apps().deployments().inNamespace(NS).withName("web").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(429);
                        assertThat(e.getStatus().getDetails().getRetryAfterSeconds()).isEqualTo(7);
                    });
        } finally {
            faults.rates(FaultyDispatcher.Rates.NONE);
        }
    }

    @Test
    void resetClosesTheConnectionWithoutAnAnswerAndSometimesAfterTheWrite() {
        long writes0 = faults.scaleWrites();
        long after0 = faults.injected().getOrDefault(FaultyDispatcher.RESET_AFTER_WRITE, 0L);
        faults.rates(new FaultyDispatcher.Rates(0, 0, 1, 0, 0, 0, Duration.ZERO, 1.0));
        try {
            for (int i = 0; i < 20; i++) {
                int code = putScale(raw, 2 + i % 3);
                assertThat(code).as("a reset is an I/O error, not an HTTP answer").isZero();
            }
        } finally {
            faults.rates(FaultyDispatcher.Rates.NONE);
        }
        long after = faults.injected().get(FaultyDispatcher.RESET_AFTER_WRITE) - after0;
        assertThat(after).isBetween(1L, 19L);
        assertThat(faults.scaleWrites() - writes0).isEqualTo(after);
        assertThat(raw.apps().deployments().inNamespace(NS).withName("web").get()).isNotNull();
    }

    @Test
    void slowAnswersAreDelayed() {
        faults.rates(new FaultyDispatcher.Rates(0, 0, 1, 0, 0, 1.0, Duration.ofMillis(400), 0));
        try {
            long t0 = System.nanoTime();
            assertThat(raw.apps().deployments().inNamespace(NS).withName("web").get()).isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        } finally {
            faults.rates(FaultyDispatcher.Rates.NONE);
        }
        assertThat(faults.injected().get(FaultyDispatcher.SLOW)).isPositive();
    }

    @Test
    void downFailsEveryRequestAndCutsWatchesUntilItIsBack() {
        KubernetesClient c = api.newClient(0);
        SharedIndexInformer<Deployment> informer = c.apps().deployments().inNamespace(NS).inform();
        try {
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(informer::hasSynced);
            faults.down(true);
            assertThatThrownBy(() -> raw.apps().deployments().inNamespace(NS).withName("web").get())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(rootCause(e)).isInstanceOfAny(IOException.class,
                            io.vertx.core.http.HttpClosedException.class));
            assertThat(api.openConnections()).isZero();
            api.directClient().apps().deployments().inNamespace(NS).resource(deployment("during-down")).create();
            faults.down(false);
            assertThat(raw.apps().deployments().inNamespace(NS).withName("web").get()).isNotNull();
            Awaitility.await().atMost(15, TimeUnit.SECONDS)
                    .until(() -> informer.getStore().getByKey(NS + "/during-down") != null);
        } finally {
            faults.down(false);
            informer.close();
            c.close();
        }
    }

    @Test
    void aWatchAnsweredGoneMakesTheInformerRelist() {
        KubernetesClient c = api.newClient(0);
        SharedIndexInformer<Deployment> informer = c.apps().deployments().inNamespace(NS).inform();
        try {
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(informer::hasSynced);
            long gone0 = faults.injected().getOrDefault(FaultyDispatcher.WATCH_GONE, 0L);
            faults.rates(new FaultyDispatcher.Rates(0, 0, 1, 0, 1.0, 0, Duration.ZERO, 0));
            faults.down(true);   // cuts the open watch: the informer watches again and gets 410
            faults.down(false);
            // no watch can deliver this: only a relist (a LIST after the 410) shows it
            api.directClient().apps().deployments().inNamespace(NS).resource(deployment("after-gone")).create();
            Awaitility.await().atMost(15, TimeUnit.SECONDS)
                    .until(() -> informer.getStore().getByKey(NS + "/after-gone") != null);
            assertThat(faults.injected().get(FaultyDispatcher.WATCH_GONE) - gone0).isPositive();
        } finally {
            faults.rates(FaultyDispatcher.Rates.NONE);
            informer.close();
            c.close();
        }
    }
}
