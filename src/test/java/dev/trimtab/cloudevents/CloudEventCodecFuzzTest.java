package dev.trimtab.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
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
    @DictionaryEntries({"ce-specversion: 1.0\n", "ce-id: ", "ce-source: ", "ce-type: ", "ce-subject: ", "ce-time: ",
            "content-type: application/json\n", "content-type: application/cloudevents+json\n", "ce-partitionkey: ",
            "ce-namespace: ", "\n\n"})
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

    /** What was decoded survives {@link CloudEventCodec#write} and a second reading. */
    private static void readsBack(CloudEvent e) {
        CloudEvent again = CloudEventCodec.parse(CloudEventCodec.write(e));
        assertThat(again).as("read back after writing").isEqualTo(e);
    }

    @AfterAll
    static void figures() {
        System.out.println(STRUCTURED.report());
        System.out.println(BINARY.report());
    }
}
