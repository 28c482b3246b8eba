package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** How OpenTelemetry data points become series: labels, rates, histogram and summary figures, refusals. */
class OtlpSeriesTest {
    static final IngestLimits LIMITS = IngestLimits.defaults();
    static final long SECOND = 1_000_000_000L;

    private static OtlpSeries reader() {
        return new OtlpSeries(SeriesRules.DEFAULT_OBJECT_LABELS, LIMITS);
    }

    private static OtlpSeries.Point point(Map<String, String> attributes, long startNanos, long timeNanos) {
        return new OtlpSeries.Point("p", attributes, startNanos, timeNanos, 0);
    }

    @Test
    void kubernetesResourceAttributesNameWhatTheSeriesIsAboutAndOnlyServiceAttributesStay() {
        OtlpSeries s = reader();
        s.resource(Map.of(
                "k8s.namespace.name",
                "shop",
                "k8s.pod.name",
                "web-0",
                "k8s.deployment.name",
                "web",
                "service.name",
                "web",
                "telemetry.sdk.language",
                "java",
                "host.name",
                "node-1"));
        s.number(
                "http.server.active_requests",
                false,
                OtlpSeries.Temporality.Unspecified,
                point(Map.of("http.route", "/cart"), 0, 5 * SECOND + 1_500_000),
                7.0);
        Series only = s.result().series().get(0);
        assertThat(only.name()).isEqualTo("http.server.active_requests");
        assertThat(only.labels())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "namespace",
                        "shop",
                        "pod",
                        "web-0",
                        "deployment",
                        "web",
                        "service.name",
                        "web",
                        "http.route",
                        "/cart"));
        assertThat(only.value()).isEqualTo(7.0);
        assertThat(only.timestampMillis()).isEqualTo(5001);
        assertThat(s.result().samples()).isEqualTo(1);

        // the point's own k8s attributes win over the resource's
        OtlpSeries t = reader();
        t.resource(Map.of("k8s.namespace.name", "shop"));
        t.number(
                "queue.depth",
                false,
                OtlpSeries.Temporality.Unspecified,
                point(Map.of("k8s.namespace.name", "jobs", "k8s.statefulset.name", "kafka"), 0, SECOND),
                3.0);
        assertThat(t.result().series().get(0).labels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("namespace", "jobs", "statefulset", "kafka"));
    }

    @Test
    void aDeltaSumFeedsItsValueAndItsRatePerSecondACumulativeOneOnlyItsValue() {
        OtlpSeries s = reader();
        s.number("requests", true, OtlpSeries.Temporality.Delta, point(Map.of(), 10 * SECOND, 40 * SECOND), 600.0);
        s.number("total", true, OtlpSeries.Temporality.Cumulative, point(Map.of(), 10 * SECOND, 40 * SECOND), 600.0);
        s.number("nostart", true, OtlpSeries.Temporality.Delta, point(Map.of(), 0, 40 * SECOND), 5.0);
        Payload p = s.result();
        assertThat(p.series())
                .extracting(Series::name, Series::value)
                .containsExactly(
                        Tuple.tuple("requests", 600.0), Tuple.tuple("requests:rate", 20.0),
                        Tuple.tuple("total", 600.0), Tuple.tuple("nostart", 5.0));
        assertThat(p.skipped()).containsExactly(new Skipped("nostart:rate{}", Skipped.Reason.NoInterval));
    }

    @Test
    void histogramQuantilesInterpolateWithinTheBucketAsPrometheusDoes() {
        long[] counts = {10, 20, 30, 40};
        double[] bounds = {1, 2, 4};
        // rank 50 falls in (2, 4] with 30 below it: 2 + 2 * 20/30
        assertThat(OtlpSeries.quantile(0.5, counts, bounds, 100, null, null))
                .isCloseTo(2 + 2 * 20.0 / 30, within(1e-12));
        // in the first bucket the lower bound is 0
        assertThat(OtlpSeries.quantile(0.05, counts, bounds, 100, null, null)).isCloseTo(0.5, within(1e-12));
        // in the open top bucket: the highest bound
        assertThat(OtlpSeries.quantile(0.99, counts, bounds, 100, null, null)).isEqualTo(4.0);
        // a sent max closes the top bucket, a sent min raises the lowest
        assertThat(OtlpSeries.quantile(0.99, counts, bounds, 100, null, 5.0)).isCloseTo(4 + 39.0 / 40, within(1e-12));
        assertThat(OtlpSeries.quantile(0.05, counts, bounds, 100, 0.5, null)).isCloseTo(0.75, within(1e-12));
        // a lowest bound at or below 0 is the answer for ranks in the lowest bucket
        assertThat(OtlpSeries.quantile(0.05, counts, new double[] {-1, 2, 4}, 100, null, null))
                .isEqualTo(-1.0);
        // empty buckets are passed over
        assertThat(OtlpSeries.quantile(0.5, new long[] {0, 0, 10, 0}, bounds, 10, null, null))
                .isCloseTo(3.0, within(1e-12));
    }

    @Test
    void aHistogramFeedsItsMeanAndFourQuantiles() {
        OtlpSeries s = reader();
        s.resource(Map.of("k8s.namespace.name", "shop", "k8s.deployment.name", "web"));
        s.histogram(
                "http.server.request.duration",
                point(Map.of(), SECOND, 2 * SECOND),
                100,
                150.0,
                new long[] {10, 20, 30, 40},
                new double[] {1, 2, 4},
                null,
                null);
        assertThat(s.result().series())
                .extracting(Series::name)
                .containsExactly(
                        "http.server.request.duration:mean",
                        "http.server.request.duration:p50",
                        "http.server.request.duration:p90",
                        "http.server.request.duration:p95",
                        "http.server.request.duration:p99");
        assertThat(s.result().series().get(0).value()).isEqualTo(1.5);

        OtlpSeries none = reader();
        none.histogram(
                "idle", point(Map.of(), SECOND, 2 * SECOND), 0, 0.0, new long[] {0, 0}, new double[] {1}, null, null);
        assertThat(none.result().series()).isEmpty();
        assertThat(none.result().skipped()).extracting(Skipped::reason).containsExactly(Skipped.Reason.NoObservations);

        OtlpSeries onlySum = reader();
        onlySum.histogram("d", point(Map.of(), SECOND, 2 * SECOND), 4, 2.0, new long[0], new double[0], null, null);
        assertThat(onlySum.result().series())
                .extracting(Series::name, Series::value)
                .containsExactly(Tuple.tuple("d:mean", 0.5));
    }

    @Test
    void aSummaryFeedsItsMeanAndTheQuantilesItCarries() {
        OtlpSeries s = reader();
        s.summary(
                "latency", point(Map.of(), 0, SECOND), 4, 10.0, new double[] {0.5, 0.999, 1.0}, new double[] {2, 5, 6});
        assertThat(s.result().series())
                .extracting(Series::name, Series::value)
                .containsExactly(
                        Tuple.tuple("latency:mean", 2.5), Tuple.tuple("latency:p50", 2.0),
                        Tuple.tuple("latency:p99.9", 5.0), Tuple.tuple("latency:p100", 6.0));
        assertThat(OtlpSeries.quantileName(0.9)).isEqualTo("p90");
        assertThat(OtlpSeries.quantileName(0)).isEqualTo("p0");
    }

    @Test
    void aPointWithoutARecordedValueFeedsNothing() {
        OtlpSeries s = reader();
        s.number(
                "g", false, OtlpSeries.Temporality.Unspecified, new OtlpSeries.Point("p", Map.of(), 0, SECOND, 1), 3.0);
        s.number("h", false, OtlpSeries.Temporality.Unspecified, point(Map.of(), 0, SECOND), null);
        s.histogram(
                "x",
                new OtlpSeries.Point("p", Map.of(), 0, SECOND, 1),
                1,
                1.0,
                new long[] {1},
                new double[0],
                null,
                null);
        assertThat(s.result().series()).isEmpty();
        assertThat(s.result().skipped()).extracting(Skipped::reason).containsOnly(Skipped.Reason.NoRecordedValue);
    }

    @Test
    void whatBreaksTheDataModelIsRefusedNamingThePoint() {
        OtlpSeries.Point p = new OtlpSeries.Point(
                "resourceMetrics[0].scopeMetrics[0].metrics[2].histogram.dataPoints[1]", Map.of(), 0, SECOND, 0);
        assertThatThrownBy(() -> reader().histogram("h", p, 3, 1.0, new long[] {1, 2}, new double[] {1, 2}, null, null))
                .isInstanceOf(BadPayload.class)
                .hasMessage(p.where()
                        + ": 2 bucket counts for 2 explicit bounds (the data model needs one more count than bounds)");
        assertThatThrownBy(
                        () -> reader().histogram("h", p, 3, 1.0, new long[] {1, 1, 1}, new double[] {2, 1}, null, null))
                .hasMessageContaining("explicit bounds must increase strictly, bound 1 is 1.0");
        assertThatThrownBy(() -> reader().histogram(
                                "h", p, 3, 1.0, new long[] {Long.MAX_VALUE, 1}, new double[] {1}, null, null))
                .hasMessageContaining("bucket counts add up past 2^63");
        assertThatThrownBy(() -> reader().summary("s", p, 1, 1, new double[] {1.5}, new double[] {1}))
                .hasMessageContaining("quantile 1.5 is outside [0, 1]");
        assertThatThrownBy(() -> reader().exponentialHistogram("e", p, -1, 1.0))
                .hasMessageContaining("count 18446744073709551615 is past 2^63");
        assertThatThrownBy(() -> OtlpSeries.Temporality.of(3, "metric m"))
                .hasMessageContaining("aggregation temporality 3");
    }

    @Test
    void dataPointsPastTheRequestsBoundAreRefused() {
        OtlpSeries s = new OtlpSeries(List.of(), new IngestLimits(1 << 20, 2, 10, 8, 64));
        s.number("a", false, OtlpSeries.Temporality.Unspecified, point(Map.of(), 0, SECOND), 1.0);
        s.number("a", false, OtlpSeries.Temporality.Unspecified, point(Map.of(), 0, SECOND), 1.0);
        assertThatThrownBy(
                        () -> s.number("a", false, OtlpSeries.Temporality.Unspecified, point(Map.of(), 0, SECOND), 1.0))
                .hasMessageContaining("more than 2 data points in one request");
    }

    @Test
    void doubleAttributesAreTheirShortestDecimalForm() {
        assertThat(OtlpSeries.label(0.25)).isEqualTo("0.25");
        assertThat(OtlpSeries.label(3.0)).isEqualTo("3");
        assertThat(OtlpSeries.label(1e300)).isEqualTo("1.0E300");
        assertThat(OtlpSeries.label(Double.NaN)).isEqualTo("NaN");
    }
}
