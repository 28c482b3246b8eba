package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.testing.RemoteWriteBodies;
import dev.trimtab.testing.RemoteWriteBodies.TimeSeries;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Requests written by protobuf-java's encoder and snappy-java, read by the receiver's own reader. */
class RemoteWriteTest {
    static final IngestLimits LIMITS = IngestLimits.defaults();

    @Test
    void readsEverySeriesWithItsLatestSample() {
        TimeSeries twoSamples = TimeSeries.of("http_requests", Map.of("namespace", "shop", "pod", "web-0"), 1.5, 1000);
        twoSamples.samples().add(new double[] {4.25, 3000});
        twoSamples.samples().add(new double[] {2.0, 2000});
        TimeSeries other = TimeSeries.of("queue_depth", Map.of("queue", "orders"), 42, 5000);

        Payload d = RemoteWrite.decode(RemoteWriteBodies.snappy(List.of(twoSamples, other)), LIMITS);

        assertThat(d.series())
                .containsExactly(
                        new Series("http_requests", Map.of("namespace", "shop", "pod", "web-0"), 4.25, 3000),
                        new Series("queue_depth", Map.of("queue", "orders"), 42, 5000));
        assertThat(d.samples()).isEqualTo(4);
        assertThat(d.skipped()).isEmpty();
    }

    @Test
    void emptyLabelValuesAreAbsentAndASeriesWithoutFloatSamplesIsSkipped() {
        TimeSeries empty = TimeSeries.of("up", Map.of("job", "", "instance", "a:9090"), 1, 10);
        TimeSeries histogramOnly = TimeSeries.labels(Map.of("__name__", "latency"));

        Payload d = RemoteWrite.read(RemoteWriteBodies.protobuf(List.of(empty, histogramOnly)), LIMITS);

        assertThat(d.series()).containsExactly(new Series("up", Map.of("instance", "a:9090"), 1, 10));
        assertThat(d.skipped()).containsExactly(new Skipped("latency{}", Skipped.Reason.NoSamples));
    }

    @Test
    void unknownFieldsAreSkippedAsAnyProtobufReaderDoes() {
        byte[] known = RemoteWriteBodies.protobuf(List.of(TimeSeries.of("up", Map.of(), 1, 10)));
        // field 3 (metadata, length-delimited, 2 bytes) and field 9 (a varint) around it
        byte[] body = new byte[known.length + 6];
        body[0] = 3 << 3 | 2;
        body[1] = 2;
        body[2] = 8;
        body[3] = 1;
        System.arraycopy(known, 0, body, 4, known.length);
        body[known.length + 4] = 9 << 3;
        body[known.length + 5] = 7;
        assertThat(RemoteWrite.read(body, LIMITS).series()).hasSize(1);
    }

    record Bad(String name, List<TimeSeries> series, String message) {}

    @Test
    void aRequestThatBreaksTheSpecificationIsRefusedNamingTheSeries() {
        List<Bad> cases = List.of(
                new Bad(
                        "no __name__",
                        List.of(TimeSeries.labels(Map.of("job", "x")).sample(1, 1)),
                        "WriteRequest.timeseries[0]: has no __name__ label (the remote-write specification requires one): {job=\"x\"}"),
                new Bad(
                        "a label name with a dash",
                        List.of(TimeSeries.of("up", Map.of("bad-name", "x"), 1, 1)),
                        "WriteRequest.timeseries[0].labels[1]: name \"bad-name\" is not a Prometheus label name"),
                new Bad(
                        "a label twice",
                        List.of(TimeSeries.of("up", Map.of("pod", "a"), 1, 1).with("pod", "b")),
                        "WriteRequest.timeseries[0]: label \"pod\" appears twice"),
                new Bad(
                        "too many labels",
                        List.of(TimeSeries.of("up", manyLabels(LIMITS.maxLabels()), 1, 1)),
                        "more than 128 labels (trimtab.ingest.max-labels)"));
        for (Bad c : cases) {
            assertThatThrownBy(() -> RemoteWrite.read(RemoteWriteBodies.protobuf(c.series()), LIMITS))
                    .as(c.name())
                    .isInstanceOf(BadPayload.class)
                    .hasMessageContaining(c.message());
        }
    }

    @Test
    void limitsOnSeriesSamplesAndLabelBytesAreCheckedWhileReading() {
        IngestLimits small = new IngestLimits(1 << 20, 2, 3, 8, 16);
        List<TimeSeries> three = List.of(
                TimeSeries.of("a", Map.of(), 1, 1),
                TimeSeries.of("b", Map.of(), 1, 1),
                TimeSeries.of("c", Map.of(), 1, 1));
        assertThatThrownBy(() -> RemoteWrite.read(RemoteWriteBodies.protobuf(three), small))
                .hasMessageContaining("more than 2 series in one request (trimtab.ingest.max-series)");
        TimeSeries many = TimeSeries.of("a", Map.of(), 1, 1);
        for (int i = 0; i < 3; i++) {
            many.samples().add(new double[] {1, 2 + i});
        }
        assertThatThrownBy(() -> RemoteWrite.read(RemoteWriteBodies.protobuf(List.of(many)), small))
                .hasMessageContaining("more than 3 samples in one request (trimtab.ingest.max-samples)");
        assertThatThrownBy(() -> RemoteWrite.read(
                        RemoteWriteBodies.protobuf(List.of(TimeSeries.of("a", Map.of("pod", "x".repeat(17)), 1, 1))),
                        small))
                .hasMessageContaining("value of 17 bytes, more than 16 (trimtab.ingest.max-label-bytes)");
    }

    @Test
    void invalidUtf8AndTruncatedMessagesAreRefused() {
        byte[] ok = RemoteWriteBodies.protobuf(List.of(TimeSeries.of("up", Map.of("pod", "ab"), 1, 1)));
        byte[] bad = ok.clone();
        for (int i = 0; i < bad.length - 1; i++) {
            if (bad[i] == 'a' && bad[i + 1] == 'b') {
                bad[i] = (byte) 0xc3; // a lead byte followed by an ASCII byte: malformed
            }
        }
        assertThatThrownBy(() -> RemoteWrite.read(bad, LIMITS)).hasMessageContaining("value is not valid UTF-8");
        byte[] cut = Arrays.copyOf(ok, ok.length - 3);
        assertThatThrownBy(() -> RemoteWrite.read(cut, LIMITS))
                .isInstanceOf(BadPayload.class)
                .hasMessageContaining("runs past the end of its message");
    }

    @Test
    void randomMutationsOfAValidRequestAreReadOrRefusedNeverAnythingElse() {
        long seed = Long.getLong("trimtab.seed", System.nanoTime());
        Random r = new Random(seed);
        byte[] ok = RemoteWriteBodies.protobuf(List.of(
                TimeSeries.of("http_requests", Map.of("namespace", "shop", "pod", "web-0"), 1.5, 1000),
                TimeSeries.of("up", Map.of(), 1, 1)));
        for (int i = 0; i < 20_000; i++) {
            byte[] m = ok.clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            try {
                RemoteWrite.read(m, LIMITS);
            } catch (BadPayload expected) {
                assertThat(expected.getMessage())
                        .as("seed %d, case %d", seed, i)
                        .startsWith("WriteRequest");
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ", case " + i + ": " + e, e);
            }
        }
    }

    private static Map<String, String> manyLabels(int n) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put("l" + i, "v");
        }
        return m;
    }
}
