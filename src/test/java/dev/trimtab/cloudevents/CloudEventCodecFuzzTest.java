package dev.trimtab.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.FuzzBounds;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The CloudEvent decoder on hostile bytes, in both content modes, within its {@link
 * CloudEventCodec.Limits}: it decodes, or rejects with an {@link IllegalArgumentException} (a
 * {@link CloudEventCodec.LimitExceededException} past a limit) that names the attribute; an event
 * it decodes is written and read back with the same attributes. Seeds:
 * {@code src/test/resources/dev/trimtab/cloudevents/CloudEventCodecFuzzTestInputs/}; see docs/fuzzing.md.
 */
class CloudEventCodecFuzzTest {
    private static final CloudEventCodec.Limits LIMITS = new CloudEventCodec.Limits(65_536, 32);
    private static final FuzzBounds STRUCTURED = new FuzzBounds("CloudEventCodec.parse (structured mode)",
            IllegalArgumentException.class);
    private static final FuzzBounds BINARY = new FuzzBounds("CloudEventCodec.fromMessage (binary and structured)",
            IllegalArgumentException.class);

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"\"specversion\"", "\"1.0\"", "\"id\"", "\"source\"", "\"type\"", "\"subject\"", "\"time\"",
            "\"datacontenttype\"", "\"application/json\"", "\"data\"", "\"data_base64\"", "\"partitionkey\"",
            "\"2026-11-01T12:00:00Z\""})
    void structuredMode(byte[] input) {
        STRUCTURED.check(input, () -> readsBack(CloudEventCodec.parse(input, LIMITS)));
    }

    /**
     * The input is a message: header lines {@code name: value} up to an empty line, then the body;
     * header names are looked up as sent (the HTTP binding's {@code ce-} prefix).
     */
    @FuzzTest(maxDuration = "10m")
    // no line breaks in entries: Jazzer 0.24 writes them unescaped and libFuzzer rejects the dictionary
    @DictionaryEntries({"ce-specversion: 1.0", "ce-id: ", "ce-source: ", "ce-type: ", "ce-subject: ", "ce-time: ",
            "content-type: application/json", "content-type: application/cloudevents+json", "ce-partitionkey: ",
            "ce-namespace: "})
    void message(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\n\n");
        Map<String, String> headers = new HashMap<>();
        for (String line : (end < 0 ? text : text.substring(0, end)).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                headers.put(line.substring(0, colon), new String(line.substring(colon + 2)
                        .getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
        }
        byte[] body = end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(input, end + 2, input.length);
        BINARY.check(input, () -> readsBack(CloudEventCodec.fromMessage(body, "ce-", headers::get, LIMITS)));
    }

    /**
     * What was decoded survives {@link CloudEventCodec#write} and a second reading. Numbers compare
     * by value: {@code 2e0} is written {@code 2} and read back as an integer, the same JSON number.
     */
    private static void readsBack(CloudEvent e) {
        CloudEvent again = CloudEventCodec.parse(CloudEventCodec.write(e));
        assertThat(new CloudEvent(again.id(), again.source(), again.type(), again.subject(), again.time(),
                again.dataContentType(), null, again.extensions())).as("attributes read back after writing")
                .isEqualTo(new CloudEvent(e.id(), e.source(), e.type(), e.subject(), e.time(), e.dataContentType(), null,
                        e.extensions()));
        assertThat(e.data() == null ? again.data() == null : again.data() != null
                && e.data().equals(NUMBERS_BY_VALUE, again.data())).as("data read back after writing: %s, then %s",
                e.data(), again.data()).isTrue();
    }

    private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) ->
            a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    @AfterAll
    static void figures() {
        System.out.println(STRUCTURED.report());
        System.out.println(BINARY.report());
    }
}
