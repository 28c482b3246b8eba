package dev.trimtab.ingest.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Prometheus remote-write 1.0 request ({@code prometheus.WriteRequest}, snappy-compressed
 * protobuf) into its series, each with its latest float sample.
 *
 * <p>What the specification requires of a sender is checked, and a request that breaks it is a
 * {@link BadPayload} naming the series: every series has a {@code __name__}; label names match
 * {@code [a-zA-Z_][a-zA-Z0-9_]*} and appear once; strings are UTF-8. Labels with an empty value
 * are dropped (Prometheus treats them as absent). Unknown fields are skipped, as in any protobuf
 * reader; metadata, exemplars and native histograms are not used. The {@link IngestLimits} are
 * checked while reading, before the data they bound is kept.
 *
 * <p>Messages (prompb/remote.proto and types.proto): {@code WriteRequest { repeated TimeSeries
 * timeseries = 1; repeated MetricMetadata metadata = 3; }}, {@code TimeSeries { repeated Label
 * labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; repeated Histogram
 * histograms = 4; }}, {@code Label { string name = 1; string value = 2; }}, {@code Sample { double
 * value = 1; int64 timestamp = 2; }} (milliseconds).
 */
public final class RemoteWrite {
    private RemoteWrite() {}

    /** Decompresses and reads a request body as the sender sent it. */
    public static Payload decode(byte[] snappyBody, IngestLimits limits) {
        return read(Snappy.decode(snappyBody, limits.maxUncompressedBytes()), limits);
    }

    /** Reads an uncompressed {@code WriteRequest}. */
    public static Payload read(byte[] protobuf, IngestLimits limits) {
        ProtoReader r = new ProtoReader(protobuf, "WriteRequest");
        List<Series> out = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        long samples = 0;
        int index = 0;
        while (!r.done()) {
            int tag = r.tag();
            if (tag != (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                r.skip(tag & 7);
                continue;
            }
            if (index == limits.maxSeries()) {
                throw new BadPayload("WriteRequest: more than " + limits.maxSeries()
                        + " series in one request (trimtab.ingest.max-series)");
            }
            One one = series(r.message("timeseries[" + index + "]"), index, limits);
            samples += one.samples;
            if (samples > limits.maxSamples()) {
                throw new BadPayload("WriteRequest: more than " + limits.maxSamples()
                        + " samples in one request (trimtab.ingest.max-samples)");
            }
            index++;
            if (one.series != null) {
                out.add(one.series);
            } else {
                skipped.add(new Skipped(one.describe(), Skipped.Reason.NoSamples));
            }
        }
        return new Payload(out, samples, skipped);
    }

    private record One(Series series, String name, Map<String, String> labels, int samples) {
        String describe() {
            return new Series(name, labels, 0, 0).describe();
        }
    }

    private static One series(ProtoReader ts, int index, IngestLimits limits) {
        String name = null;
        Map<String, String> labels = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int count = 0;
        int samples = 0;
        double value = Double.NaN;
        long latest = Long.MIN_VALUE;
        while (!ts.done()) {
            int tag = ts.tag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LENGTH_DELIMITED -> {
                    if (++count > limits.maxLabels()) {
                        throw ts.bad("more than " + limits.maxLabels() + " labels (trimtab.ingest.max-labels)");
                    }
                    String[] label = label(ts.message("labels[" + (count - 1) + "]"), limits);
                    if (!seen.add(label[0])) {
                        throw ts.bad("label \"" + Text.echo(label[0]) + "\" appears twice");
                    }
                    if (label[0].equals("__name__")) {
                        name = label[1];
                    } else if (!label[1].isEmpty()) {
                        labels.put(label[0], label[1]);
                    }
                }
                case 2 << 3 | ProtoReader.LENGTH_DELIMITED -> {
                    ProtoReader s = ts.message("samples[" + samples + "]");
                    samples++;
                    double v = 0; // proto3 defaults: an absent field is 0
                    long t = 0;
                    while (!s.done()) {
                        int st = s.tag();
                        if (st == (1 << 3 | ProtoReader.FIXED64)) {
                            v = s.fixed64AsDouble();
                        } else if (st == (2 << 3 | ProtoReader.VARINT)) {
                            t = s.varint();
                        } else {
                            s.skip(st & 7);
                        }
                    }
                    if (t >= latest) {
                        latest = t;
                        value = v;
                    }
                }
                default -> ts.skip(tag & 7);
            }
        }
        if (name == null || name.isEmpty()) {
            throw ts.bad("has no __name__ label (the remote-write specification requires one): "
                    + new Series("", labels, 0, 0).describe());
        }
        if (samples == 0) {
            return new One(null, name, labels, 0);
        }
        return new One(new Series(name, labels, value, latest), name, labels, samples);
    }

    private static String[] label(ProtoReader l, IngestLimits limits) {
        String name = "";
        String value = "";
        while (!l.done()) {
            int tag = l.tag();
            if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED) || tag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                boolean isName = tag >>> 3 == 1;
                int len = l.peekLength();
                if (len > limits.maxLabelBytes()) {
                    throw l.bad((isName ? "name" : "value") + " of " + len + " bytes, more than "
                            + limits.maxLabelBytes() + " (trimtab.ingest.max-label-bytes)");
                }
                String s = l.string(isName ? "name" : "value");
                if (isName) {
                    name = s;
                } else {
                    value = s;
                }
            } else {
                l.skip(tag & 7);
            }
        }
        if (!validName(name)) {
            throw l.bad("name \"" + Text.echo(name) + "\" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
        }
        return new String[] {name, value};
    }

    static boolean validName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok =
                    c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
