package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The membership lease (issue 13, split brain after a broker restart): an instance whose consumer
 * stopped heartbeating decides for none of its partitions, on metric events, object events or the
 * resync, and decides again when heartbeats resume. No broker: the engine, and the lease bean on a
 * fake heartbeat source.
 */
class MembershipLeaseTest {
    AutoscalerEngine engine;
    SimpleMeterRegistry registry;
    /** What the fake consumer reports: whole seconds since its last heartbeat (read by the lease's own looks too). */
    volatile double ago;

    MembershipLease lease;

    @BeforeEach
    void wire() {
        engine = new AutoscalerEngine(ScaleApplierTest.settings(false));
        engine.awaitAssignment();
        engine.assign(1, List.of(0), List.of()); // one partition: every workload is ours
        registry = new SimpleMeterRegistry();
        lease = new MembershipLease(engine, registry, () -> new MembershipLease.Reading(ago, 45_000, 3_000));
    }

    private double gauge() {
        return registry.get("trimtab_autoscaler_membership_fenced").gauge().value();
    }

    @Test
    void aFencedEngineDecidesNothingOnEventsOrResyncAndDecidesAgainWhenUnfenced() {
        assertThat(ScaleApplierTest.workload(engine, "shop", 450))
                .as("owned and leased: decides")
                .isNotEmpty();

        engine.fence(true);
        assertThat(engine.fenced()).isTrue();
        assertThat(engine.accept(ScaleApplierTest.cpuSamples("shop", "m1", 900)))
                .as("metric event")
                .isEmpty();
        assertThat(engine.acceptAll(List.of(ScaleApplierTest.cpuSamples("shop", "m2", 900)), (i, e) -> {
                    throw e;
                }))
                .as("metric batch")
                .isEmpty();
        ScaleApplierTest.workload(engine, "other", 450); // object events (as the informers bring them)
        engine.setClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
        assertThat(engine.resync()).as("resync a minute later").isEmpty();
        assertThat(engine.drainChanged())
                .as("no snapshot handed out while fenced")
                .isEmpty();

        engine.fence(false);
        assertThat(engine.fenced()).isFalse();
        List<String> resynced = new ArrayList<>();
        engine.resync().forEach(ev -> resynced.add(ev.policy().ref().namespace()));
        assertThat(resynced).containsExactlyInAnyOrder("shop", "other");
        assertThat(engine.accept(ScaleApplierTest.cpuSamples("shop", "m3", 900)))
                .isNotEmpty();
        assertThat(engine.drainChanged())
                .extracting(e -> e.policy().namespace())
                .contains("shop", "other");
    }

    @Test
    void anInstanceAloneOwnsEverythingAndIsNeverFenced() {
        AutoscalerEngine alone = new AutoscalerEngine(ScaleApplierTest.settings(false));
        alone.ownAll(1, List.of());
        alone.fence(true);
        assertThat(alone.fenced()).isFalse();
        assertThat(ScaleApplierTest.workload(alone, "shop", 450)).isNotEmpty();
    }

    @Test
    void theLeaseFencesPastTheSessionLessTwoHeartbeatsAndUnfencesWhenHeartbeatsResume() {
        ago = 3;
        assertThat(lease.check()).isFalse();
        assertThat(gauge()).isZero();
        assertThat(ScaleApplierTest.workload(engine, "shop", 450)).isNotEmpty();

        ago = 37; // [37, 38) s, below 39 s at the next look (one second on): leased
        assertThat(lease.check()).isFalse();
        ago = 38; // [38, 39) s, maybe past 39 s (45 − 2 × 3) by the next look: fenced
        assertThat(lease.check()).isTrue();
        assertThat(engine.fenced()).isTrue();
        assertThat(gauge()).isEqualTo(1.0);
        assertThat(engine.accept(ScaleApplierTest.cpuSamples("shop", "m1", 900)))
                .isEmpty();

        ago = 120;
        assertThat(lease.check()).isTrue();
        ago = 0; // heartbeats resume; the partition is still ours (nothing revoked)
        assertThat(lease.check()).isFalse();
        assertThat(engine.fenced()).isFalse();
        assertThat(gauge()).isZero();
        assertThat(engine.accept(ScaleApplierTest.cpuSamples("shop", "m2", 900)))
                .isNotEmpty();
    }

    /**
     * After a broker restart the group rejoins before the first heartbeat: the completed rebalance
     * renews the lease at once, counted from one heartbeat interval before it, and it runs out as
     * a heartbeat's would when no heartbeat follows.
     */
    @Test
    void aCompletedRebalanceRenewsTheLeaseAtOnceAsOfOneHeartbeatIntervalBefore() {
        long[] now = {5_000_000_000L};
        MembershipLease l = new MembershipLease(
                engine,
                new SimpleMeterRegistry(),
                () -> new MembershipLease.Reading(ago, 6_000, 1_000),
                () -> now[0],
                false);
        assertThat(ScaleApplierTest.workload(engine, "shop", 450)).isNotEmpty();
        ago = 12; // the broker was away: no heartbeat for 12 s
        assertThat(l.check()).isTrue();
        assertThat(engine.fenced()).isTrue();

        l.rebalanced(new StateStore.Rebalanced(now[0])); // rejoined; the metric still says 12 s
        assertThat(engine.fenced())
                .as("renewed by the rebalance, before any heartbeat")
                .isFalse();
        assertThat(engine.accept(ScaleApplierTest.cpuSamples("shop", "m1", 900)))
                .isNotEmpty();

        now[0] += 1_999_000_000L; // 1,999 + 1,000 (interval) + 1,000 (next look) ms ≤ 4,000 ms
        assertThat(l.check()).isFalse();
        now[0] += 2_000_000L; // 4,001 ms > 4,000 ms (6,000 less 2 × 1,000), and still no heartbeat
        assertThat(l.check()).isTrue();
        ago = 0; // heartbeats again
        assertThat(l.check()).isFalse();
        ago = 5; // heartbeats stop again: an old renewal does not hold the lease
        assertThat(l.check()).isTrue();
    }

    /** Fenced, the lease is looked at on its own (here no scheduler looks at all): resumed heartbeats unfence it. */
    @Test
    void aFencedLeaseIsLookedAtUntilHeartbeatsResume() {
        MembershipLease l = new MembershipLease(
                engine,
                new SimpleMeterRegistry(),
                () -> new MembershipLease.Reading(ago, 6_000, 1_000),
                System::nanoTime,
                true);
        try {
            ago = 12;
            assertThat(l.check()).isTrue();
            ago = 0;
            await().atMost(Duration.ofSeconds(5)).until(() -> !engine.fenced());
            assertThat(l.fenced()).isFalse();
        } finally {
            l.close();
        }
    }

    @Test
    void noHeartbeatYetOrNoConsumerFencesNothingAndAMisconfiguredSessionFailsClosed() {
        ago = -1;
        assertThat(lease.check()).isFalse();
        MembershipLease none = new MembershipLease(engine, new SimpleMeterRegistry(), () -> null);
        assertThat(none.check()).isFalse();
        MembershipLease noMargin = new MembershipLease(
                engine, new SimpleMeterRegistry(), () -> new MembershipLease.Reading(0, 6_000, 3_000));
        assertThat(noMargin.check()).isTrue();
        assertThat(engine.fenced()).isTrue();
    }

    @Test
    void aFencedBatchWaitsOutsideTheLockAndIsTakenOnceTheLeaseIsBack() {
        ago = 60;
        lease.check();
        AtomicInteger sleeps = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        String taken = MembershipLease.whenUnfenced(
                Duration.ofMinutes(2),
                millis -> {
                    assertThat(millis).isEqualTo(MembershipLease.STEP_MILLIS);
                    // the rebalance listener can still hand partitions over while a batch waits
                    engine.release(List.of());
                    if (sleeps.incrementAndGet() == 3) {
                        ago = 1;
                        lease.check();
                    }
                },
                () -> {
                    attempts.incrementAndGet();
                    return engine.work(() -> engine.fenced() ? null : "taken");
                });
        assertThat(taken).isEqualTo("taken");
        assertThat(sleeps.get()).isEqualTo(3);
        assertThat(attempts.get()).isEqualTo(4);
    }

    @Test
    void aBatchFencedForLongerThanTheDeliveryTimeoutFailsUncommitted() {
        ago = 60;
        lease.check();
        assertThatThrownBy(() -> MembershipLease.whenUnfenced(
                        Duration.ofMillis(30), millis -> sleep(5), () -> engine.fenced() ? null : "taken"))
                .isInstanceOf(MembershipLease.NotRenewed.class)
                .hasMessageContaining("longer than the delivery timeout (PT0.03S)");
    }

    @Test
    void theHeartbeatIsReadFromTheConsumerCoordinatorMetricsOfKafka() {
        try (Metrics metrics = new Metrics()) {
            assertThat(MembershipLease.ConsumerHeartbeats.lastHeartbeat(metrics.metrics()))
                    .isNull();
            MetricName name = metrics.metricName("last-heartbeat-seconds-ago", "consumer-coordinator-metrics", "");
            metrics.addMetric(name, (config, now) -> 41.0);
            metrics.addMetric(
                    metrics.metricName("last-heartbeat-seconds-ago", "other-metrics", ""), (config, now) -> 1.0);
            assertThat(MembershipLease.ConsumerHeartbeats.lastHeartbeat(metrics.metrics()))
                    .isEqualTo(41.0);
        }
        assertThat(MembershipLease.ConsumerHeartbeats.millis(Map.of(), "session.timeout.ms", 45_000))
                .isEqualTo(45_000);
        assertThat(MembershipLease.ConsumerHeartbeats.millis(
                        Map.of("session.timeout.ms", "10000"), "session.timeout.ms", 45_000))
                .isEqualTo(10_000);
        assertThat(MembershipLease.ConsumerHeartbeats.millis(
                        Map.of("session.timeout.ms", 12_000), "session.timeout.ms", 45_000))
                .isEqualTo(12_000);
        assertThatThrownBy(() -> MembershipLease.ConsumerHeartbeats.millis(
                        Map.of("session.timeout.ms", "soon"), "session.timeout.ms", 45_000))
                .hasMessageContaining("session.timeout.ms = 'soon'");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
