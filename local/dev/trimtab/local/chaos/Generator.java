package dev.trimtab.local.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends sequence-numbered metric CloudEvents ({@link Fleet#metricEvent}, keyed by workload) for
 * every workload in turn at a steady rate, with an idempotent {@code acks=all} producer, so a
 * broker restart neither loses nor duplicates a record. Keeps each workload's send times by
 * sequence number, to tell later which events were sent before an instant.
 */
final class Generator implements Runnable {
    private final Fleet fleet;
    private final String bootstrap;
    private final double rate;
    private final long loadMillis;
    private volatile long totalMillis;
    private final long[][] sentAt;
    private final int[] sent;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private volatile long startMillis;
    private volatile long count;

    /**
     * Sends for {@code loadMillis} with changing demand, then the final demands for at least
     * {@code tailMillis} ({@link #endAt} extends the tail).
     */
    Generator(Fleet fleet, String bootstrap, double rate, long loadMillis, long tailMillis) {
        this.fleet = fleet;
        this.bootstrap = bootstrap;
        this.rate = rate;
        this.loadMillis = loadMillis;
        this.totalMillis = loadMillis + tailMillis;
        int n = fleet.workloads().size();
        this.sentAt = new long[n][];
        this.sent = new int[n];
        int perWorkload = (int) Math.min(Integer.MAX_VALUE - 8, (long) (rate * totalMillis / 1000 / n) + 16);
        for (int i = 0; i < n; i++) {
            sentAt[i] = new long[perWorkload];
        }
    }

    @Override
    public void run() {
        List<Fleet.Workload> workloads = fleet.workloads();
        startMillis = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            int next = 0;
            while (true) {
                long now = System.currentTimeMillis();
                long elapsed = now - startMillis;
                if (elapsed >= totalMillis) {
                    break;
                }
                long due = (long) (rate * elapsed / 1000);
                if (count >= due) {
                    Thread.sleep(2);
                    continue;
                }
                String time = Instant.ofEpochMilli(now).toString();
                for (; count < due; count++) {
                    Fleet.Workload w = workloads.get(next);
                    int seq = sent[next];
                    record(next, seq, now);
                    String value = Fleet.metricEvent(w, seq, time, fleet.demand(w, elapsed, loadMillis, seq));
                    producer.send(
                            new ProducerRecord<>("trimtab.metrics", w.key(), value.getBytes(StandardCharsets.UTF_8)),
                            (md, e) -> {
                                if (e != null) {
                                    failed.incrementAndGet();
                                    firstFailure.compareAndSet(null, e);
                                }
                            });
                    next = (next + 1) % workloads.size();
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void record(int workload, int seq, long now) {
        if (seq >= sentAt[workload].length) {
            sentAt[workload] = Arrays.copyOf(sentAt[workload], sentAt[workload].length * 2);
        }
        sentAt[workload][seq] = now;
        sent[workload] = seq + 1;
    }

    /**
     * The highest sequence number of workload {@code index} sent at or before {@code atMillis}; -1
     * when none. Call after {@link #run} ended.
     */
    long lastSeqAtOrBefore(int index, long atMillis) {
        int lo = 0;
        int hi = sent[index] - 1;
        long found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sentAt[index][mid] <= atMillis) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Sends (the final demands, after the load phase) until {@code elapsedMillis} after the start. */
    void endAt(long elapsedMillis) {
        totalMillis = elapsedMillis;
    }

    /** Stops sending now. */
    void stop() {
        totalMillis = 0;
    }

    long sentCount() {
        return count;
    }

    long failedSends() {
        return failed.get();
    }

    Exception firstFailure() {
        return firstFailure.get();
    }

    long startMillis() {
        return startMillis;
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
        return new KafkaProducer<>(p);
    }
}
