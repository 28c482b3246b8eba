package dev.trimtab.local.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.autoscaler.core.Settings;
import dev.trimtab.autoscaler.replay.ReplayCommand;
import dev.trimtab.input.InputLimits;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The fault-free reference: the replay trace (the seeded objects as ApiServerSource events, then
 * every metric event of {@code trimtab.metrics} in time order, merged from the partition files,
 * each already in time order since one producer wrote them) run through the replay core in this
 * process. The trace is kept as {@code trace.jsonl}: {@code replay trace.jsonl} repeats it.
 */
final class Oracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The replay's outcome: each workload's final replicas, and counts. */
    record Replayed(Map<String, Integer> finalReplicas, long decisions, long rescales, long rejectedLines) {}

    private Oracle() {}

    /** Writes {@code trace} from the object events and the partition files (each a time-ordered JSON line file). */
    static long writeTrace(Path trace, List<String> objectEvents, List<Path> partitionFiles) throws IOException {
        long n = 0;
        List<BufferedReader> readers = new ArrayList<>();
        try (BufferedWriter out = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
            for (String e : objectEvents) {
                out.write(e);
                out.write('\n');
            }
            record Head(long time, int source, String line) {}
            PriorityQueue<Head> heads = new PriorityQueue<>(
                    (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Integer.compare(a.source, b.source));
            for (int i = 0; i < partitionFiles.size(); i++) {
                BufferedReader r = Files.newBufferedReader(partitionFiles.get(i), StandardCharsets.UTF_8);
                readers.add(r);
                String line = r.readLine();
                if (line != null) {
                    heads.add(new Head(time(line), i, line));
                }
            }
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                out.write(h.line());
                out.write('\n');
                n++;
                String line = readers.get(h.source()).readLine();
                if (line != null) {
                    heads.add(new Head(time(line), h.source(), line));
                }
            }
        } finally {
            for (BufferedReader r : readers) {
                r.close();
            }
        }
        return n;
    }

    /** The {@code time} attribute of an event line, in epoch milliseconds (0 when it has none). */
    static long time(String line) {
        int i = line.indexOf("\"time\":\"");
        if (i < 0) {
            return 0;
        }
        int end = line.indexOf('"', i + 8);
        try {
            return Instant.parse(line.substring(i + 8, end)).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Replays {@code trace} with the live path's defaults; keeps each workload's last decision. */
    static Replayed replay(Path trace) throws IOException {
        Map<String, String> last = new HashMap<>();
        long[] counts = new long[2];
        LineSink sink = new LineSink(line -> {
            int i = line.indexOf("\"subject\":\"");
            if (i < 0 || !line.contains("\"type\":\"dev.trimtab.decision.scale\"")) {
                return;
            }
            String subject = line.substring(i + 11, line.indexOf('"', i + 11));
            last.put(subject.substring(subject.indexOf('/') + 1), line);
            counts[0]++;
            if (line.contains("\"rescale\":true")) {
                counts[1]++;
            }
        });
        LineSink errors = new LineSink(line -> {});
        int rejected;
        try (PrintStream out = new PrintStream(sink, false, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
                BufferedReader in = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            rejected = new ReplayCommand.Replay(Settings.defaults(), InputLimits.defaults(), Duration.ZERO, out, err)
                    .run(in);
        }
        Map<String, Integer> finals = new HashMap<>();
        for (Map.Entry<String, String> e : last.entrySet()) {
            JsonNode d = JSON.readTree(e.getValue()).path("data");
            finals.put(
                    e.getKey(),
                    d.path("rescale").asBoolean()
                            ? d.path("desiredReplicas").asInt()
                            : d.path("currentReplicas").asInt());
        }
        return new Replayed(finals, counts[0], counts[1], rejected);
    }

    /** Hands each line written to it to a consumer. */
    private static final class LineSink extends OutputStream {
        private final Consumer<String> lines;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);

        LineSink(Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                lines.accept(buffer.toString(StandardCharsets.UTF_8));
                buffer.reset();
            } else {
                buffer.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    buffer.write(b, start, i - start);
                    write('\n');
                    start = i + 1;
                }
            }
            buffer.write(b, start, off + len - start);
        }
    }
}
