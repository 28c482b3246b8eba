package dev.trimtab.local;

import dev.trimtab.autoscaler.live.ScaleWritten;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.QuarkusApplication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The Kafka-lag benchmark end to end: {@code WORKLOADS} Deployments (default 20), each scaled by one
 * {@code type: Kafka} metric on its own topic (4 partitions) and consumer group (lagThreshold 10,
 * minReplicas 1), all watched by the live lag source (1 s interval) on the embedded broker, not
 * dry-run. Each of {@code ROUNDS} rounds (default 40, after 3 not measured): a random workload at 1
 * replica, a wait of a random 0–999 ms (a random phase against the source's interval), a burst of
 * 200 records (lag 200: 4 replicas, capped at the partitions); measured from the burst's last send
 * acknowledged by the broker to that workload's {@code /scale} write acknowledged by the mock API
 * with more than 1 replica. Then a real consumer of the group reads to the end and commits, and the
 * round ends when the workload is written back to 1. Also: the offsets events per second the
 * source delivered over the rounds, with every workload watched. Prints a {@code RESULT} line last.
 */
public class LagBenchApp implements QuarkusApplication {
    private static final int BURST = 200;
    private static final int WARM_UP = 3;
    private static final long TIMEOUT_MILLIS = 30_000;

    @Override
    public int run(String... args) throws Exception {
        int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        long seed = Long.getLong("bench.seed", System.nanoTime());
        Random random = new Random(seed);
        LagProbe probe = Arc.container().instance(LagProbe.class).get();
        MeterRegistry registry = Arc.container().instance(MeterRegistry.class).get();
        BenchApp.awaitPolicies(workloads);

        // ready when every workload was written down from its seeded 2 replicas to 1: its group's offsets are read
        System.out.printf(
                "%nWaiting for the lag source to read the %d groups (each workload written 2 -> 1) ...%n", workloads);
        long t0 = System.nanoTime();
        Set<String> atOne = new HashSet<>();
        long deadline = System.currentTimeMillis() + 120_000;
        while (atOne.size() < workloads) {
            ScaleWritten w = probe.next(1000);
            if (w != null && w.replicas() == 1) {
                atOne.add(w.target().name());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(
                        "only " + atOne.size() + " of " + workloads + " workloads came to 1 replica");
            }
        }
        System.out.printf("  all at 1 replica after %.1f s%n", (System.nanoTime() - t0) / 1e9);

        System.out.printf(
                "%nRounds: %d (+%d warm-up, not measured), a burst of %d records to a random workload's topic "
                        + "(seed %d)%n",
                rounds, WARM_UP, BURST, seed);
        Histogram burstToScale = new Histogram(3);
        Histogram scaleIn = new Histogram(3);
        List<Integer> scaledTo = new ArrayList<>();
        double okBefore = 0;
        long measuredFrom = 0;
        try (KafkaProducer<String, byte[]> producer = LocalRun.producer()) {
            for (int round = 0; round < WARM_UP + rounds; round++) {
                if (round == WARM_UP) {
                    okBefore = ok(registry);
                    measuredFrom = System.nanoTime();
                }
                String name = "w" + random.nextInt(workloads);
                Thread.sleep(random.nextInt(1000));
                for (int i = 0; i < BURST; i++) {
                    producer.send(new ProducerRecord<>(
                            LagBench.topic(name), i % LagBench.PARTITIONS, "k" + i, new byte[100]));
                }
                producer.flush(); // every send acknowledged
                Instant sent = Instant.now();
                ScaleWritten out = await(probe, name, sent, true);
                long us = Duration.between(sent, out.acknowledged()).toNanos() / 1000;
                long[] consumed = new long[1];
                Instant committed = catchUp(name, consumed);
                ScaleWritten in = await(probe, name, committed, false);
                long inUs = Duration.between(committed, in.acknowledged()).toNanos() / 1000;
                if (round >= WARM_UP) {
                    burstToScale.recordValue(Math.max(0, us));
                    scaleIn.recordValue(Math.max(0, inUs));
                    scaledTo.add(out.replicas());
                }
                System.out.printf(
                        "  %s %-4s burst -> /scale %d: %7.1f ms; %d consumed, commit -> /scale 1: %7.1f ms%n",
                        round < WARM_UP ? "warm-up" : String.format("%7d", round - WARM_UP + 1),
                        name,
                        out.replicas(),
                        us / 1000.0,
                        consumed[0],
                        inUs / 1000.0);
            }
        }
        double seconds = (System.nanoTime() - measuredFrom) / 1e9;
        double okEvents = ok(registry) - okBefore;
        System.out.println();
        BenchApp.report("burst acknowledged -> /scale out acknowledged", burstToScale);
        BenchApp.report("commit sent (caught up) -> /scale 1 acknowledged", scaleIn);
        System.out.printf(
                "  scaled out to: %s replicas%n",
                scaledTo.stream().distinct().sorted().toList());
        System.out.printf(
                "  offsets events delivered: %.0f in %.1f s = %.1f/s with %d workloads watched%n",
                okEvents, seconds, okEvents / seconds, workloads);
        registry.find("trimtab_ingest_queries_total")
                .tag("receiver", "kafka-lag")
                .counters()
                .forEach(c -> System.out.printf(
                        "  kafka-lag %s: %.0f (whole run)%n", c.getId().getTag("result"), c.count()));
        System.out.printf(
                "%nRESULT kafka_lag burst_to_scale_p50_ms=%.1f burst_to_scale_p99_ms=%.1f burst_to_scale_max_ms=%.1f "
                        + "keda_polling_interval_ms=30000 offsets_events_per_s=%.1f workloads=%d rounds=%d%n",
                burstToScale.getValueAtPercentile(50) / 1000.0,
                burstToScale.getValueAtPercentile(99) / 1000.0,
                burstToScale.getMaxValue() / 1000.0,
                okEvents / seconds,
                workloads,
                rounds);
        LocalApp.exitCode = 0;
        return 0;
    }

    private static double ok(MeterRegistry registry) {
        Counter c = registry.find("trimtab_ingest_queries_total")
                .tags("receiver", "kafka-lag", "result", "ok")
                .counter();
        return c == null ? 0 : c.count();
    }

    /**
     * The first write of {@code name} acknowledged after {@code after}: above 1 replica ({@code out}) or at 1;
     * the writes of other workloads and earlier ones are passed over.
     */
    private static ScaleWritten await(LagProbe probe, String name, Instant after, boolean out)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            ScaleWritten w = probe.next(100);
            if (w != null && Boolean.getBoolean("bench.verbose")) {
                System.out.println("    write " + w);
            }
            if (w != null
                    && w.target().name().equals(name)
                    && !w.acknowledged().isBefore(after)
                    && (out ? w.replicas() > 1 : w.replicas() == 1)) {
                return w;
            }
        }
        if (Boolean.getBoolean("bench.verbose")) {
            dumpDecisions(name);
        }
        throw new IllegalStateException(
                name + ": no /scale write " + (out ? "above 1" : "to 1") + " within " + TIMEOUT_MILLIS / 1000 + " s");
    }

    private static void dumpDecisions(String name) {
        try (KafkaConsumer<String, byte[]> c = LocalRun.consumer("bench-dump-" + System.nanoTime())) {
            c.subscribe(List.of("trimtab.decisions"));
            long end = System.currentTimeMillis() + 5000;
            List<String> last = new ArrayList<>();
            while (System.currentTimeMillis() < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key() != null && r.key().endsWith("/" + name)) {
                        last.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                });
            }
            last.subList(Math.max(0, last.size() - 6), last.size())
                    .forEach(v -> System.out.println("    decision " + v));
        }
    }

    /**
     * A real consumer of the workload's group reads its topic to the end and commits; returns when it
     * sent the commit, and the records read in {@code read[0]}.
     */
    private static Instant catchUp(String name, long[] read) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalRun.bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, LagBench.group(name));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < LagBench.PARTITIONS; i++) {
                partitions.add(new TopicPartition(LagBench.topic(name), i));
            }
            c.assign(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
            while (partitions.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(name + ": the consumer did not reach the end offsets");
                }
                read[0] += c.poll(Duration.ofMillis(100)).count();
            }
            Instant committing = Instant.now();
            c.commitSync();
            return committing;
        }
    }
}
