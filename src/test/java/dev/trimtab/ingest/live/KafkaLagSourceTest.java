package dev.trimtab.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.ingest.core.AllowedBrokers;
import dev.trimtab.ingest.core.LagWatch;
import dev.trimtab.ingest.events.KafkaOffsetsEvents;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka-lag source end to end on a real broker (embedded KRaft), with a real producer and a
 * real consumer group: what it sends matches what was produced and committed, commits are seen
 * from {@code __consumer_offsets} within 2 s, and the delays are measured.
 */
class KafkaLagSourceTest {
    private static final long SEED = Long.getLong("trimtab.seed", System.nanoTime());
    private static String bootstrap;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<List<LagWatch>> watches = new AtomicReference<>(List.of());
    private KafkaLagRunner runner;

    record Received(long nanos, String key, CloudEvent event) {}

    @BeforeAll
    static void broker() {
        // the broker advertises PLAINTEXT://host:port; a policy names host:port, as KEDA's bootstrapServers
        bootstrap = EmbeddedKafka.bootstrapServers().replaceAll("[A-Z_]+://", "");
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void close() {
        producer.close();
        admin.close();
    }

    @BeforeEach
    void start() {
        runner = new KafkaLagRunner(
                        KafkaLagRunner.Options.defaults(),
                        AllowedBrokers.parse("test", Arrays.asList(bootstrap.split(","))),
                        watches::get,
                        Map.of("bootstrap.servers", bootstrap),
                        byWorkload -> byWorkload.forEach((key, events) ->
                                events.forEach(e -> received.add(new Received(System.nanoTime(), key, e)))),
                        registry,
                        Clock.systemUTC())
                .start();
    }

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void sendsWhatWasProducedAndCommittedAndSeesEachCommitWithinTwoSeconds() throws Exception {
        String t = topic(3);
        produce(t, 0, 10);
        produce(t, 1, 20);
        produce(t, 2, 30);
        String g = "lag-group-" + UUID.randomUUID();
        try (Group group = new Group(g, List.of(t), 3)) {
            group.commit(Map.of(new TopicPartition(t, 0), 4L, new TopicPartition(t, 1), 20L));
            watches.set(List.of(new LagWatch("shop/worker", "shop", "worker-lag", 0, bootstrap, g, t)));
            Received r = await(
                    0,
                    e -> offsets(e, t)
                            .equals(List.of(List.of(0L, 10L, 4L), List.of(1L, 20L, 20L), Arrays.asList(2L, 30L, null))),
                    Duration.ofSeconds(20));
            CloudEvent e = r.event();
            assertThat(r.key()).isEqualTo("shop/worker");
            assertThat(e.type()).isEqualTo(KafkaOffsetsEvents.TYPE);
            assertThat(e.subject()).isEqualTo("shop/worker-lag");
            assertThat(e.extensions()).containsEntry("partitionkey", "shop/worker");
            assertThat(e.data().path("bootstrapServers").asText()).isEqualTo(bootstrap);
            assertThat(e.data().path("consumerGroup").asText()).isEqualTo(g);
            assertThat(e.data().path("topics")).hasSize(1);

            List<Long> delays = new ArrayList<>();
            Random random = new Random(SEED);
            for (long offset = 1; offset <= 8; offset++) {
                Thread.sleep(150 + random.nextInt(250)); // commits further apart than the 100 ms commit gap
                long at = System.nanoTime();
                group.commit(Map.of(new TopicPartition(t, 2), offset));
                long want = offset;
                Received seen = await(
                        at, ev -> committed(ev, t, 2) != null && committed(ev, t, 2) == want, Duration.ofSeconds(2));
                delays.add(Math.max(0, seen.nanos() - at) / 1_000_000);
            }
            System.out.printf(
                    "RESULT kafka-lag commit-to-event p50=%d ms p99=%d ms max=%d ms (n=%d, seed %d)%n",
                    percentile(delays, 50), percentile(delays, 99), percentile(delays, 100), delays.size(), SEED);
        }
        assertThat(count("bad_record"))
                .as("every record of __consumer_offsets was read")
                .isZero();
        assertThat(count("ok")).isPositive();
    }

    @Test
    void aGroupWithoutCommitsHasNullCommittedOffsets() throws Exception {
        String t = topic(2);
        produce(t, 0, 3);
        String g = "lag-never-" + UUID.randomUUID();
        watches.set(List.of(new LagWatch("shop/idle", "shop", "idle", 0, bootstrap, g, t)));
        await(
                0,
                e -> offsets(e, t).equals(List.of(Arrays.asList(0L, 3L, null), Arrays.asList(1L, 0L, null))),
                Duration.ofSeconds(20));
    }

    @Test
    void withoutATopicEveryTopicTheGroupCommittedToWithAllItsPartitions() throws Exception {
        String b = topic(2);
        String c = topic(1);
        String d = topic(1);
        produce(b, 0, 5);
        produce(c, 0, 2);
        produce(d, 0, 7);
        String g = "lag-many-" + UUID.randomUUID();
        try (Group group = new Group(g, List.of(b, c, d), 4)) {
            group.commit(Map.of(new TopicPartition(b, 0), 1L, new TopicPartition(c, 0), 2L));
            watches.set(List.of(new LagWatch("shop/many", "shop", "many", 0, bootstrap, g, null)));
            Received r = await(
                    0, e -> topics(e).equals(List.of(b, c).stream().sorted().toList()), Duration.ofSeconds(20));
            assertThat(offsets(r.event(), b)).isEqualTo(List.of(List.of(0L, 5L, 1L), Arrays.asList(1L, 0L, null)));
            assertThat(offsets(r.event(), c)).isEqualTo(List.of(List.of(0L, 2L, 2L)));

            long at = System.nanoTime();
            group.commit(Map.of(new TopicPartition(d, 0), 6L));
            Received later = await(at, e -> topics(e).contains(d), Duration.ofSeconds(5));
            assertThat(offsets(later.event(), d)).isEqualTo(List.of(List.of(0L, 7L, 6L)));
        }
    }

    @Test
    void measuresTheDelayFromAProducedBurstToTheFirstEventShowingIt() throws Exception {
        String t = topic(1);
        String g = "lag-burst-" + UUID.randomUUID();
        watches.set(List.of(new LagWatch("shop/burst", "shop", "burst", 0, bootstrap, g, t)));
        await(0, e -> Long.valueOf(0).equals(end(e, t, 0)), Duration.ofSeconds(20));
        Random random = new Random(SEED);
        List<Long> delays = new ArrayList<>();
        long end = 0;
        // a few in the suite; lag-bench (docs/benchmarks.md) measures the whole path at length
        int bursts = Integer.getInteger("trimtab.test.kafka-lag.bursts", 5);
        for (int i = 0; i < bursts; i++) {
            Thread.sleep(random.nextInt(1000)); // at any phase of the 1 s poll
            long at = System.nanoTime();
            produce(t, 0, 50);
            end += 50;
            long want = end;
            Received seen = await(at, e -> end(e, t, 0) != null && end(e, t, 0) >= want, Duration.ofSeconds(3));
            delays.add((seen.nanos() - at) / 1_000_000);
        }
        System.out.printf(
                "RESULT kafka-lag burst-to-event p50=%d ms p99=%d ms max=%d ms (n=%d, interval 1s, seed %d)%n",
                percentile(delays, 50), percentile(delays, 99), percentile(delays, 100), delays.size(), SEED);
        assertThat(delays).allMatch(ms -> ms <= 3_000);
    }

    @Test
    void aTopicThatDoesNotExistSendsNothingUntilItIsCreated() throws Exception {
        String t = "lag-later-" + UUID.randomUUID();
        watches.set(List.of(
                new LagWatch("shop/later", "shop", "later", 0, bootstrap, "lag-later-" + UUID.randomUUID(), t)));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count("unknown_topic") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(count("unknown_topic")).isPositive();
        assertThat(received).isEmpty();
        Topics.create(admin, new NewTopic(t, 2, (short) 1));
        await(
                0,
                e -> offsets(e, t).equals(List.of(Arrays.asList(0L, 0L, null), Arrays.asList(1L, 0L, null))),
                Duration.ofSeconds(10));
    }

    @Test
    void groupsPastMaxGroupsAreRefusedAndCounted() {
        runner.close();
        runner = new KafkaLagRunner(
                new KafkaLagRunner.Options(
                        Duration.ofSeconds(1),
                        Duration.ofMillis(100),
                        8,
                        1,
                        100,
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5)),
                AllowedBrokers.parse("test", List.of(bootstrap)),
                watches::get,
                Map.of(),
                byWorkload -> {},
                registry,
                Clock.systemUTC());
        watches.set(List.of(
                new LagWatch("shop/a", "shop", "a", 0, bootstrap, "g1", "t"),
                new LagWatch("shop/b", "shop", "b", 0, bootstrap, "g1", "u"),
                new LagWatch("shop/c", "shop", "c", 0, bootstrap, "g2", "t")));
        runner.refresh();
        assertThat(count("over_limit")).isEqualTo(1);
        assertThat(runner.clusters()).containsExactly(bootstrap);
    }

    @Test
    void serversNotAllowedAreCountedAndNeverConnectedTo() {
        watches.set(List.of(
                new LagWatch("shop/a", "shop", "a", 0, "evil.example:9092", "g", "t"),
                new LagWatch("shop/b", "shop", "b", 0, "http://kafka:9092", "g", "t")));
        runner.refresh();
        assertThat(runner.clusters()).isEmpty();
        assertThat(count("refused_server")).isPositive();
        assertThat(count("bad_bootstrap")).isPositive();
    }

    @Test
    void closingStopsEveryThread() throws Exception {
        String t = topic(1);
        watches.set(List.of(new LagWatch("shop/c", "shop", "c", 0, bootstrap, "lag-close-" + UUID.randomUUID(), t)));
        await(0, e -> end(e, t, 0) != null, Duration.ofSeconds(20));
        runner.close();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(th -> th.isAlive() && th.getName().startsWith("trimtab-kafka-lag"));
    }

    // ---------------------------------------------------------------- helpers

    private double count(String result) {
        var c = registry.find("trimtab_ingest_queries_total")
                .tag("receiver", "kafka-lag")
                .tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }

    /** The first event received at or after {@code sinceNanos} that {@code want} accepts. */
    private Received await(long sinceNanos, Predicate<CloudEvent> want, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        int from = 0;
        while (true) {
            List<Received> now = List.copyOf(received);
            for (int i = from; i < now.size(); i++) {
                Received r = now.get(i);
                if (r.nanos() >= sinceNanos && want.test(r.event())) {
                    return r;
                }
            }
            from = now.size();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such event within " + within + "; the last: "
                        + (now.isEmpty()
                                ? "none"
                                : now.get(now.size() - 1).event().data()));
            }
            Thread.sleep(5);
        }
    }

    private static List<String> topics(CloudEvent e) {
        List<String> out = new ArrayList<>();
        e.data().path("topics").forEach(t -> out.add(t.path("topic").asText()));
        return out;
    }

    /** {@code [partition, endOffset, committedOffset or null]} of each partition of {@code topic}. */
    private static List<List<Long>> offsets(CloudEvent e, String topic) {
        List<List<Long>> out = new ArrayList<>();
        for (JsonNode t : e.data().path("topics")) {
            if (t.path("topic").asText().equals(topic)) {
                for (JsonNode p : t.path("partitions")) {
                    JsonNode c = p.path("committedOffset");
                    out.add(Arrays.asList(
                            p.path("partition").asLong(),
                            p.path("endOffset").asLong(),
                            c.isNull() ? null : c.asLong()));
                }
            }
        }
        return out;
    }

    private static Long end(CloudEvent e, String topic, int partition) {
        for (List<Long> p : offsets(e, topic)) {
            if (p.get(0) == partition) {
                return p.get(1);
            }
        }
        return null;
    }

    private static Long committed(CloudEvent e, String topic, int partition) {
        for (List<Long> p : offsets(e, topic)) {
            if (p.get(0) == partition) {
                return p.get(2);
            }
        }
        return null;
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String topic(int partitions) throws Exception {
        String name = "lag-" + UUID.randomUUID();
        Topics.create(admin, new NewTopic(name, partitions, (short) 1));
        return name;
    }

    private static void produce(String topic, int partition, int records) throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, partition, null, "r" + i)));
        }
        for (var f : sent) {
            f.get();
        }
    }

    /** A real consumer group of one member, which commits the offsets it is told to. */
    private static final class Group implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;

        Group(String id, List<String> topics, int partitions) {
            Map<String, Object> p = new HashMap<>();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, id);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(topics);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.assignment().size() < partitions) {
                consumer.poll(Duration.ofMillis(100));
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the group was not assigned its " + partitions + " partitions");
                }
            }
        }

        void commit(Map<TopicPartition, Long> offsets) {
            Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
            offsets.forEach((tp, o) -> m.put(tp, new OffsetAndMetadata(o)));
            consumer.commitSync(m);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
