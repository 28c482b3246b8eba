package dev.trimtab.testing;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote-write request bodies for tests, written with protobuf-java's own encoder and
 * compressed by snappy-java (both independent of the receiver's hand-written readers), in the
 * field numbers of prompb/remote.proto and types.proto.
 */
public final class RemoteWriteBodies {
    /** A series: its labels in the order written (include {@code __name__}; one may repeat) and samples. */
    public record TimeSeries(List<Map.Entry<String, String>> labels, List<double[]> samples) {
        /** {@code name{labels}} with one sample {@code value} at {@code timestampMillis}. */
        public static TimeSeries of(String name, Map<String, String> labels, double value, long timestampMillis) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("__name__", name);
            all.putAll(new TreeMap<>(labels));
            List<double[]> samples = new ArrayList<>();
            samples.add(new double[] {value, timestampMillis});
            return new TimeSeries(new ArrayList<>(all.entrySet()), samples);
        }

        /** These labels, exactly, and no samples yet. */
        public static TimeSeries labels(Map<String, String> labels) {
            return new TimeSeries(new ArrayList<>(labels.entrySet()), new ArrayList<>());
        }

        public TimeSeries with(String name, String value) {
            labels.add(Map.entry(name, value));
            return this;
        }

        public TimeSeries sample(double value, long timestampMillis) {
            samples.add(new double[] {value, timestampMillis});
            return this;
        }
    }

    private RemoteWriteBodies() {}

    /** The uncompressed {@code WriteRequest}. */
    public static byte[] protobuf(List<TimeSeries> series) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream w = CodedOutputStream.newInstance(out);
            for (TimeSeries s : series) {
                byte[] ts = timeSeries(s);
                w.writeByteArray(1, ts);
            }
            w.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as Prometheus sends it: snappy block format. */
    public static byte[] snappy(List<TimeSeries> series) {
        return compress(protobuf(series));
    }

    public static byte[] compress(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] timeSeries(TimeSeries s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream w = CodedOutputStream.newInstance(out);
        for (Map.Entry<String, String> l : s.labels()) {
            ByteArrayOutputStream lo = new ByteArrayOutputStream();
            CodedOutputStream lw = CodedOutputStream.newInstance(lo);
            lw.writeString(1, l.getKey());
            lw.writeString(2, l.getValue());
            lw.flush();
            w.writeByteArray(1, lo.toByteArray());
        }
        for (double[] sample : s.samples()) {
            ByteArrayOutputStream so = new ByteArrayOutputStream();
            CodedOutputStream sw = CodedOutputStream.newInstance(so);
            sw.writeDouble(1, sample[0]);
            sw.writeInt64(2, (long) sample[1]);
            sw.flush();
            w.writeByteArray(2, so.toByteArray());
        }
        w.flush();
        return out.toByteArray();
    }
}
