package dev.trimtab.autoscaler.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Every partition of the state topic, read continuously on its own thread from the start: the
 * latest record of each key (undecoded), so that taking partitions over costs one round trip to
 * the broker instead of reading their uncompacted tail from the beginning. {@link #latest} answers
 * with the records of some partitions as of their end offsets when it was asked, the same as a
 * read from the beginning would at that moment (the previous owner's handover writes included:
 * they are acknowledged before its revocation completes).
 *
 * <p>Before this, every assignment created a consumer and read its partitions from offset 0: 0.6 s
 * for 55 records and 1.5 s for 38,000 on the fault suite's loaded machine, during which the
 * partitions' metric records waited (docs/reliability.md). The cost is one more consumer per
 * instance and the latest bytes of every policy in memory (about 1 KiB each: 10 MB for 10,000
 * policies).
 */
final class StateReplica implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StateReplica.class);

    /** What a read found: the latest record of each key; {@code complete} unless the deadline came first. */
    record Found(List<ConsumerRecord<String, byte[]>> latest, boolean complete) {
        static final Found NOTHING = new Found(List.of(), false);
    }

    /** How long one call to the broker (listing, end offsets, positions) may take. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** How long the replica waits for new records before it looks at its requests again (a request wakes it). */
    private static final Duration POLL = Duration.ofMillis(500);

    private final String topic;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    /** Per partition, the latest record of each key: touched only by the replica's thread. */
    private final Map<Integer, Map<String, ConsumerRecord<String, byte[]>>> latest = new HashMap<>();

    private final Set<TopicPartition> assigned = new HashSet<>();
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean closed;
    private Thread thread;

    /** A read waiting for the replica: the partitions, the end offsets to reach (once known), the deadline, the answer. */
    private static final class Request {
        final List<TopicPartition> partitions;
        final long deadline;
        final CompletableFuture<Found> answer = new CompletableFuture<>();
        Map<TopicPartition, Long> end;

        Request(List<TopicPartition> partitions, long deadline) {
            this.partitions = partitions;
            this.deadline = deadline;
        }
    }

    /** @param consumers makes the replica's consumer (no group, no commits), on the replica's thread */
    StateReplica(String topic, Supplier<Consumer<String, byte[]>> consumers) {
        this.topic = topic;
        this.consumers = consumers;
    }

    /** Starts reading (once; later calls do nothing). */
    synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        thread = new Thread(this::run, "trimtab-autoscaler-state-replica");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The latest record of each key in these partitions, once the replica has read them up to their
     * end offsets as of this call; at {@code timeout}, what it has read of them, marked incomplete.
     */
    Found latest(List<Integer> partitions, Duration timeout) {
        start();
        Request r = new Request(
                partitions.stream().map(p -> new TopicPartition(topic, p)).toList(),
                System.nanoTime() + timeout.toNanos());
        requests.add(r);
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // look at it now, not after the poll in progress
        }
        try {
            // the thread answers by the deadline unless a call to the broker holds it (at most CALL_TIMEOUT)
            return r.answer.get(timeout.plus(CALL_TIMEOUT).plus(POLL).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            requests.remove(r);
            return Found.NOTHING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.remove(r);
            return Found.NOTHING;
        } catch (ExecutionException e) {
            return Found.NOTHING;
        }
    }

    private void run() {
        try (Consumer<String, byte[]> c = consumers.get()) {
            consumer = c;
            while (!closed) {
                try {
                    if (!assignAll(c)) {
                        expire();
                        Thread.sleep(1000); // the topic is not there (yet)
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> rec : c.poll(POLL)) {
                        Map<String, ConsumerRecord<String, byte[]>> keys =
                                latest.computeIfAbsent(rec.partition(), p -> new HashMap<>());
                        if (rec.value() == null) {
                            keys.remove(rec.key());
                        } else {
                            keys.put(rec.key(), rec);
                        }
                    }
                    answer(c);
                } catch (WakeupException woken) {
                    // a new request, or closing: look again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    if (closed) {
                        return;
                    }
                    LOG.warnf("reading %s: %s; reading on", topic, e.toString());
                    expire();
                    sleepQuietly(500);
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.errorf(e, "the replica of %s stopped: assignments start their workloads afresh", topic);
            }
        } finally {
            consumer = null;
            requests.forEach(r -> r.answer.complete(Found.NOTHING));
        }
    }

    /**
     * Assigns every partition of the topic, new ones from the start, when none is yet or a request
     * names one not assigned (the topic grew); false while the topic has none.
     */
    private boolean assignAll(Consumer<String, byte[]> c) {
        boolean missing = assigned.isEmpty() || requests.stream().anyMatch(r -> !assigned.containsAll(r.partitions));
        if (missing) {
            List<PartitionInfo> infos = c.partitionsFor(topic, CALL_TIMEOUT);
            List<TopicPartition> added = (infos == null ? List.<PartitionInfo>of() : infos)
                    .stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .filter(tp -> !assigned.contains(tp))
                            .toList();
            if (!added.isEmpty()) {
                assigned.addAll(added);
                c.assign(assigned);
                c.seekToBeginning(added);
            }
        }
        return !assigned.isEmpty();
    }

    /**
     * Answers each request whose partitions have been read up to the end offsets they were asked
     * at; one past its deadline gets what there is, incomplete.
     */
    private void answer(Consumer<String, byte[]> c) {
        for (Iterator<Request> it = requests.iterator(); it.hasNext(); ) {
            Request r = it.next();
            boolean complete = false;
            if (assigned.containsAll(r.partitions)) {
                if (r.end == null) {
                    r.end = c.endOffsets(r.partitions, CALL_TIMEOUT);
                }
                complete = r.partitions.stream().allMatch(tp -> c.position(tp, CALL_TIMEOUT) >= r.end.get(tp));
            }
            if (complete || System.nanoTime() - r.deadline >= 0) {
                it.remove();
                r.answer.complete(new Found(copy(r.partitions), complete));
            }
        }
    }

    /** Requests past their deadline get what there is of their partitions, incomplete. */
    private void expire() {
        for (Iterator<Request> it = requests.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (System.nanoTime() - r.deadline >= 0) {
                it.remove();
                r.answer.complete(new Found(copy(r.partitions), false));
            }
        }
    }

    private List<ConsumerRecord<String, byte[]>> copy(List<TopicPartition> partitions) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            out.addAll(latest.getOrDefault(tp.partition(), Map.of()).values());
        }
        return out;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
