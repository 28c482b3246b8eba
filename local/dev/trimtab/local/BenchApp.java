package dev.trimtab.local;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.live.AutoscalerEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.QuarkusApplication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The benchmark: (1) Kafka's own produce → consume latency on this broker at the target rate;
 * (2) produce → {@code /scale} write acknowledged through the autoscaler for 60 s at the target
 * rate, with the consumer lag before and after; (3) a ramp of 10 s steps to the highest rate whose
 * lag does not grow. Prints a {@code RESULT} line last.
 */
public class BenchApp implements QuarkusApplication {

    @Override
    public int run(String... args) throws Exception {
        int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        BenchProbe probe = Arc.container().instance(BenchProbe.class).get();
        awaitPolicies(workloads);

        System.out.printf(
                "%nKafka baseline: produce -> consume on %s, %d msg/s for %d s%n",
                LocalRun.bootstrap, rate, Math.min(seconds, 20));
        Histogram kafka = kafkaBaseline(rate, Math.min(seconds, 20));
        report("kafka", kafka);

        System.out.printf(
                "%nKubernetes API baseline: GET + PUT /scale on the in-process mock API server, one at a time, 5 s%n");
        Histogram apiWrites = apiBaseline(5);
        report("GET+PUT /scale", apiWrites);
        System.out.printf("  = at most %.0f writes/s from one thread%n", apiWrites.getTotalCount() / 5.0);

        System.out.printf(
                "%nAutoscaler: %d workloads, %d metric events/s for %d s (each event changes a desired count)%n",
                workloads, rate, seconds);
        probe.interval();
        long lagBefore = lag();
        Drive d = drive(workloads, rate, seconds, 0);
        Thread.sleep(2000);
        long lagAfter = lag();
        Histogram trimtab = probe.interval();
        report(
                Boolean.getBoolean("bench.dry-run") ? "produce->decided (dry-run: no write)" : "produce->/scale ack",
                trimtab);
        System.out.printf(
                "  sent %d events (%.0f/s achieved), lag before %d, after %d (+2 s drain)%n",
                d.sent, d.achieved, lagBefore, lagAfter);
        MeterRegistry registry = Arc.container().instance(MeterRegistry.class).get();
        registry.find("trimtab_autoscaler_writes_total")
                .counters()
                .forEach(c -> System.out.printf(
                        "  writes with HTTP %s: %.0f%n", c.getId().getTag("code"), c.count()));
        registry.find("trimtab_autoscaler_decisions_total")
                .counters()
                .forEach(c ->
                        System.out.printf("  decisions %s: %.0f%n", c.getId().getTag("reason"), c.count()));

        int maxRate = 0;
        System.out.printf("%nRamp: 10 s steps, the highest rate whose consumer lag stays under one second of events%n");
        int phase = 1;
        for (int r : new int[] {500, 1000, 2000, 3000, 5000, 8000, 12000}) {
            long before = lag();
            Drive step = drive(workloads, r, 10, phase++);
            long after = lag();
            boolean kept = after - before < Math.max(100, r);
            System.out.printf(
                    "  %6d/s (achieved %.0f/s): lag %d -> %d %s%n",
                    r, step.achieved, before, after, kept ? "ok" : "GROWING");
            if (!kept) {
                break;
            }
            maxRate = r;
            Thread.sleep(1000);
        }
        double p50 = trimtab.getValueAtPercentile(50) / 1000.0;
        double p99 = trimtab.getValueAtPercentile(99) / 1000.0;
        double kp99 = kafka.getValueAtPercentile(99) / 1000.0;
        System.out.printf(
                "%nRESULT rate_per_s=%d p50_ms=%.2f p99_ms=%.2f kafka_p99_ms=%.2f max_rate_per_s=%d "
                        + "api_write_p50_ms=%.2f%n",
                rate, p50, p99, kp99, maxRate, apiWrites.getValueAtPercentile(50) / 1000.0);
        LocalApp.exitCode = 0;
        return 0;
    }

    /** Waits until the autoscaler knows the last seeded policy, then 2 s more for the informers to settle. */
    static void awaitPolicies(int workloads) throws InterruptedException {
        AutoscalerEngine engine =
                Arc.container().instance(AutoscalerEngine.class).get();
        long deadline = System.currentTimeMillis() + 120_000;
        while (!engine.knows(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "bench", "w" + (workloads - 1)))) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the informers did not deliver the policies in time");
            }
            Thread.sleep(100);
        }
        Thread.sleep(2000);
    }

    /** The mock API server alone: what one /scale write costs there. */
    private static Histogram apiBaseline(int seconds) {
        Histogram h = new Histogram(3);
        var deployment = LocalRun.api.apps().deployments().inNamespace("bench").withName("w0");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int replicas = 2;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            var scale = deployment.scale();
            scale.getSpec().setReplicas(replicas = replicas == 2 ? 3 : 2);
            deployment.scale(scale);
            h.recordValue((System.nanoTime() - t0) / 1000);
        }
        return h;
    }

    static void report(String what, Histogram h) {
        System.out.printf(
                "  %s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n",
                what,
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
    }

    record Drive(long sent, double achieved) {}

    /** Sends metric events at {@code rate}/s for {@code seconds}, round robin; cpu alternates so each changes desired. */
    private static Drive drive(int workloads, int rate, int seconds, int phase) throws Exception {
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = LocalRun.producer()) {
            for (long i = 0; i < total; i++) {
                pace(start, i, rate);
                int w = (int) (i % workloads);
                boolean high = ((i / workloads) + phase) % 2 == 0;
                String key = "bench/w" + w;
                producer.send(new ProducerRecord<>("trimtab.metrics", key, metrics("w" + w, high ? 400 : 100)));
            }
            producer.flush();
        }
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        return new Drive(total, achieved);
    }

    private static byte[] metrics(String name, int cpuMilli) {
        String now = Instant.now().toString();
        return ("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/bench\",\"type\":"
                        + "\"dev.trimtab.metrics\",\"time\":\"" + now
                        + "\",\"data\":{\"apiVersion\":\"metrics.k8s.io/v1beta1\","
                        + "\"kind\":\"PodMetricsList\",\"items\":[{\"metadata\":{\"name\":\"" + name
                        + "-0\",\"namespace\":\"bench\","
                        + "\"labels\":{\"app\":\"" + name + "\"}},\"timestamp\":\"" + now
                        + "\",\"window\":\"1s\",\"containers\":"
                        + "[{\"name\":\"app\",\"usage\":{\"cpu\":\"" + cpuMilli + "m\"}}]},{\"metadata\":{\"name\":\""
                        + name
                        + "-1\",\"namespace\":\"bench\",\"labels\":{\"app\":\"" + name + "\"}},\"timestamp\":\"" + now
                        + "\",\"window\":\"1s\",\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"" + cpuMilli
                        + "m\"}}]}]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Kafka alone: the same message size and rate, produce -> consume on a scratch topic. */
    private static Histogram kafkaBaseline(int rate, int seconds) throws Exception {
        String topic = "bench.kafka-baseline";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalRun.bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 12, (short) 1)))
                    .all()
                    .get();
        }
        Recorder recorder = new Recorder(3);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = LocalRun.consumer("bench-baseline")) {
                c.subscribe(List.of(topic));
                while (running.get()) {
                    c.poll(Duration.ofMillis(100)).forEach(r -> {
                        long sentMicros = Long.parseLong(
                                new String(r.headers().lastHeader("sent").value(), StandardCharsets.UTF_8));
                        recorder.recordValue(Math.max(0, nowMicros() - sentMicros));
                    });
                }
            }
        });
        consumer.start();
        Thread.sleep(3000);
        recorder.reset();
        byte[] payload = metrics("w0", 400);
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = LocalRun.producer()) {
            for (long i = 0; i < total; i++) {
                pace(start, i, rate);
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, "bench/w" + (i % 1000), payload);
                r.headers().add("sent", Long.toString(nowMicros()).getBytes(StandardCharsets.UTF_8));
                producer.send(r);
            }
            producer.flush();
        }
        Thread.sleep(2000);
        running.set(false);
        consumer.join();
        return recorder.getIntervalHistogram();
    }

    /** Waits until the {@code i}-th message of a run that began at {@code start} (nanos) is due. */
    private static void pace(long start, long i, int rate) throws InterruptedException {
        long wait = start + i * 1_000_000_000L / rate - System.nanoTime();
        if (wait > 200_000) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Records not yet consumed by the autoscaler's group on trimtab.metrics. */
    private static long lag() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalRun.bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("trimtab-autoscaler")
                    .partitionsToOffsetAndMetadata()
                    .get();
            Set<TopicPartition> partitions = admin
                    .describeTopics(List.of("trimtab.metrics"))
                    .allTopicNames()
                    .get()
                    .get("trimtab.metrics")
                    .partitions()
                    .stream()
                    .map(p -> new TopicPartition("trimtab.metrics", p.partition()))
                    .collect(Collectors.toSet());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                            partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all()
                    .get();
            long lag = 0;
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = committed.get(p);
                lag += ends.get(p).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }
}
