package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A batch's rescales are written up to {@code write-concurrency} at once, as the HPA controller
 * syncs several HPAs at once: a backlog of N rescales (after a restart or a broker outage) no longer
 * costs N round trips to the API server in a row (the fault suite's catch-ups after a kill: 50 to
 * 900 ms of sequential writes and guardrail reads per batch). The writer here lets no write answer
 * until four are on the wire together, so a sequential applier never gets there.
 */
class ConcurrentApplyTest {
    final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    final List<String> written = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    @Test
    void theRescalesOfABatchAreWrittenTogether() {
        CountDownLatch allOnTheWire = new CountDownLatch(4);
        AutoscalerEngine engine = new AutoscalerEngine(ScaleApplierTest.settings(false));
        ScaleApplier applier =
                ScaleApplierTest.plainApplier(engine, writer(allOnTheWire), logged, new SimpleMeterRegistry());
        DurableApply durable = new DurableApply(engine, applier, null, Duration.ZERO, 4);
        try {
            List<AutoscalerEngine.Triggered> due = fourRescales(engine);
            engine.work(() -> durable.apply(due, true));
        } finally {
            durable.stop();
        }
        assertThat(written).containsExactlyInAnyOrder("ns-0", "ns-1", "ns-2", "ns-3");
        assertThat(mostInFlight).as("writes on the wire at once").hasValue(4);
        assertThat(logged).as("every decision logged once").hasSize(4);
    }

    @Test
    void oneAtATimeWhenConfiguredSo() {
        CountDownLatch never = new CountDownLatch(0);
        AutoscalerEngine engine = new AutoscalerEngine(ScaleApplierTest.settings(false));
        ScaleApplier applier = ScaleApplierTest.plainApplier(engine, writer(never), logged, new SimpleMeterRegistry());
        DurableApply durable = new DurableApply(engine, applier, null, Duration.ZERO, 1);
        List<AutoscalerEngine.Triggered> due = fourRescales(engine);
        engine.work(() -> durable.apply(due, true));
        assertThat(written).containsExactly("ns-0", "ns-1", "ns-2", "ns-3");
        assertThat(mostInFlight).hasValue(1);
    }

    @Test
    void aConcurrencyBelowOneIsRefusedByName() {
        AutoscalerEngine engine = new AutoscalerEngine(ScaleApplierTest.settings(false));
        assertThatThrownBy(() -> new DurableApply(engine, null, null, Duration.ZERO, 0))
                .hasMessageContaining("trimtab.autoscaler.write-concurrency")
                .hasMessageContaining("0");
    }

    private static List<AutoscalerEngine.Triggered> fourRescales(AutoscalerEngine engine) {
        List<AutoscalerEngine.Triggered> due = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (AutoscalerEngine.Evaluation ev : ScaleApplierTest.workload(engine, "ns-" + i, 900)) {
                assertThat(ev.decision().rescale())
                        .as("ns-" + i + " is due a rescale")
                        .isTrue();
                due.add(new AutoscalerEngine.Triggered(ev, ScaleApplierTest.cpuSamples("ns-" + i, "m-" + i, 900)));
            }
        }
        assertThat(due).hasSize(4);
        return due;
    }

    private ScaleWriter writer(CountDownLatch allOnTheWire) {
        return new ScaleWriter(null) {
            @Override
            public Outcome write(ScaleDecision d) {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    allOnTheWire.countDown();
                    // bounded: a sequential applier finds the latch closed, waits, and is caught by the assertion
                    allOnTheWire.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                }
                written.add(d.target().namespace());
                return new Outcome(Outcome.Kind.Written, 200, "9", 0, "ok");
            }

            @Override
            public ScaleTarget read(ObjectRef t) {
                throw new AssertionError("no conflict here");
            }
        };
    }
}
