package dev.trimtab.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.Series;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus-to-Kafka adapter's JSON sample, as its README shows it. */
class KafkaAdapterJsonTest {
    static Payload read(String json) {
        return KafkaAdapterJson.read(json.getBytes(StandardCharsets.UTF_8), IngestLimits.defaults());
    }

    @Test
    void aSampleIsOneSeriesWithoutItsNameLabel() {
        Payload p = read("{\"timestamp\":\"1970-01-01T00:00:00Z\",\"value\":\"9876543210\",\"name\":\"up\","
                + "\"labels\":{\"__name__\":\"up\",\"label1\":\"value1\",\"label2\":\"value2\",\"empty\":\"\"}}");
        assertThat(p.series())
                .containsExactly(new Series("up", Map.of("label1", "value1", "label2", "value2"), 9876543210.0, 0));
        assertThat(read("{\"timestamp\":\"2026-12-06T12:00:00Z\",\"value\":\"+Inf\",\"name\":\"x\",\"labels\":{}}")
                        .series()
                        .get(0)
                        .value())
                .isInfinite();
        assertThat(read("{\"timestamp\":\"2026-12-06T12:00:00Z\",\"value\":\"NaN\",\"name\":\"x\"}")
                        .series()
                        .get(0)
                        .timestampMillis())
                .isEqualTo(1_796_558_400_000L);
    }

    @Test
    void whatIsNotASampleIsRefusedNamingTheField() {
        assertThatThrownBy(() -> read("{\"timestamp\":\"yesterday\",\"value\":\"1\",\"name\":\"up\"}"))
                .isInstanceOf(BadPayload.class)
                .hasMessage("adapter sample up: timestamp \"yesterday\" is not an RFC 3339 time");
        assertThatThrownBy(() -> read("{\"timestamp\":\"2026-12-06T12:00:00Z\",\"value\":\"lots\",\"name\":\"up\"}"))
                .hasMessage("adapter sample up: value \"lots\" is not a number");
        assertThatThrownBy(() -> read("{\"timestamp\":\"2026-12-06T12:00:00Z\",\"value\":1,\"name\":\"up\"}"))
                .hasMessage("adapter sample: value is not a string");
        assertThatThrownBy(() -> read("{\"value\":\"1\",\"name\":\"up\"}"))
                .hasMessage("adapter sample up: no timestamp");
        assertThatThrownBy(() -> read("[]")).hasMessage("adapter sample: not a JSON object");
        assertThatThrownBy(() -> read("{\"name\":\"up\"")).hasMessageStartingWith("adapter sample: not JSON");
    }
}
