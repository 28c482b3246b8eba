package dev.trimtab.testing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoublePointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableLongPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OTLP metric request bodies for tests, written by the OpenTelemetry Java SDK's own marshaler
 * (the one its OTLP exporters send with), independent of the receiver's hand-written readers.
 */
public final class OtlpBodies {
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("trimtab-test");

    private OtlpBodies() {}

    /** A resource of these attributes (and nothing else, not even the SDK's defaults). */
    public static Resource resource(Map<String, String> attributes) {
        var b = Attributes.builder();
        attributes.forEach(b::put);
        return Resource.create(b.build());
    }

    public static Attributes attributes(Map<String, String> attributes) {
        var b = Attributes.builder();
        attributes.forEach(b::put);
        return b.build();
    }

    public static long nanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    public static MetricData gauge(Resource r, String name, Map<String, String> attributes, double value, long millis) {
        return ImmutableMetricData.createDoubleGauge(
                r,
                SCOPE,
                name,
                "",
                "1",
                ImmutableGaugeData.create(
                        List.of(ImmutableDoublePointData.create(0, nanos(millis), attributes(attributes), value))));
    }

    public static MetricData longGauge(
            Resource r, String name, Map<String, String> attributes, long value, long millis) {
        return ImmutableMetricData.createLongGauge(
                r,
                SCOPE,
                name,
                "",
                "1",
                ImmutableGaugeData.create(
                        List.of(ImmutableLongPointData.create(0, nanos(millis), attributes(attributes), value))));
    }

    public static MetricData sum(
            Resource r,
            String name,
            Map<String, String> attributes,
            AggregationTemporality t,
            double value,
            long startMillis,
            long millis) {
        return ImmutableMetricData.createDoubleSum(
                r,
                SCOPE,
                name,
                "",
                "1",
                ImmutableSumData.create(
                        true,
                        t,
                        List.of(ImmutableDoublePointData.create(
                                nanos(startMillis), nanos(millis), attributes(attributes), value))));
    }

    public static MetricData histogram(
            Resource r,
            String name,
            Map<String, String> attributes,
            AggregationTemporality t,
            double sum,
            List<Double> bounds,
            List<Long> counts,
            long startMillis,
            long millis) {
        return ImmutableMetricData.createDoubleHistogram(
                r,
                SCOPE,
                name,
                "",
                "s",
                ImmutableHistogramData.create(
                        t,
                        List.of(ImmutableHistogramPointData.create(
                                nanos(startMillis),
                                nanos(millis),
                                attributes(attributes),
                                sum,
                                false,
                                0,
                                false,
                                0,
                                bounds,
                                counts))));
    }

    public static MetricData summary(
            Resource r,
            String name,
            Map<String, String> attributes,
            long count,
            double sum,
            Map<Double, Double> quantiles,
            long millis) {
        return ImmutableMetricData.createDoubleSummary(
                r,
                SCOPE,
                name,
                "",
                "s",
                ImmutableSummaryData.create(List.of(ImmutableSummaryPointData.create(
                        0,
                        nanos(millis),
                        attributes(attributes),
                        count,
                        sum,
                        quantiles.entrySet().stream()
                                .map(e -> ImmutableValueAtQuantile.create(e.getKey(), e.getValue()))
                                .toList()))));
    }

    /** The {@code ExportMetricsServiceRequest} in protobuf, as OTLP/HTTP exporters send it. */
    public static byte[] protobuf(Collection<MetricData> metrics) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MetricsRequestMarshaler.create(metrics).writeBinaryTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The same request in OTLP's JSON encoding. */
    public static byte[] json(Collection<MetricData> metrics) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MetricsRequestMarshaler.create(metrics).writeJsonTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
