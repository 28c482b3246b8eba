package dev.trimtab.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.FuzzBounds;
import java.util.Comparator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * The CloudEvent decoder on hostile bytes in structured mode, within its {@link
 * CloudEventCodec.Limits}: it decodes, or rejects with an {@link IllegalArgumentException} (a
 * {@link CloudEventCodec.LimitExceededException} past a limit) that names the attribute; an event
 * it decodes is written and read back with the same attributes. Binary mode:
 * {@link CloudEventMessageFuzzTest} (Jazzer fuzzes one test per class and JVM). Seeds:
 * {@code src/test/resources/dev/trimtab/cloudevents/CloudEventCodecFuzzTestInputs/}; see docs/fuzzing.md.
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class CloudEventCodecFuzzTest {
    private static final CloudEventCodec.Limits LIMITS = new CloudEventCodec.Limits(65_536, 32);
    private static final FuzzBounds STRUCTURED =
            new FuzzBounds("CloudEventCodec.parse (structured mode)", IllegalArgumentException.class);

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "\"specversion\"",
        "\"1.0\"",
        "\"id\"",
        "\"source\"",
        "\"type\"",
        "\"subject\"",
        "\"time\"",
        "\"datacontenttype\"",
        "\"application/json\"",
        "\"data\"",
        "\"data_base64\"",
        "\"partitionkey\"",
        "\"2026-11-01T12:00:00Z\""
    })
    void structuredMode(byte[] input) {
        STRUCTURED.check(input, () -> readsBack(CloudEventCodec.parse(input, LIMITS)));
    }

    /**
     * What was decoded survives {@link CloudEventCodec#write} and a second reading. Numbers compare
     * by value: {@code 2e0} is written {@code 2} and read back as an integer, the same JSON number.
     */
    static void readsBack(CloudEvent e) {
        CloudEvent again = CloudEventCodec.parse(CloudEventCodec.write(e));
        assertThat(new CloudEvent(
                        again.id(),
                        again.source(),
                        again.type(),
                        again.subject(),
                        again.time(),
                        again.dataContentType(),
                        null,
                        again.extensions()))
                .as("attributes read back after writing")
                .isEqualTo(new CloudEvent(
                        e.id(),
                        e.source(),
                        e.type(),
                        e.subject(),
                        e.time(),
                        e.dataContentType(),
                        null,
                        e.extensions()));
        assertThat(
                        e.data() == null
                                ? again.data() == null
                                : again.data() != null && e.data().equals(NUMBERS_BY_VALUE, again.data()))
                .as("data read back after writing: %s, then %s", e.data(), again.data())
                .isTrue();
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
            (a, b) -> a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    @AfterAll
    static void figures() {
        System.out.println(STRUCTURED.report());
    }
}
