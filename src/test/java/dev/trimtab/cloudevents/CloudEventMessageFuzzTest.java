package dev.trimtab.cloudevents;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trimtab.testing.FuzzBounds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * The CloudEvent decoder on hostile messages ({@link CloudEventCodec#fromHttp}), binary mode
 * (attributes as {@code ce-} headers) and structured mode (by content type), within its
 * {@link CloudEventCodec.Limits}; the same contract as {@link CloudEventCodecFuzzTest}. Seeds:
 * {@code CloudEventMessageFuzzTestInputs/message/}; see docs/fuzzing.md.
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class CloudEventMessageFuzzTest {
    private static final CloudEventCodec.Limits LIMITS = new CloudEventCodec.Limits(65_536, 32);
    private static final FuzzBounds BINARY =
            new FuzzBounds("CloudEventCodec.fromHttp (binary and structured)", IllegalArgumentException.class);

    /**
     * The input is a message: header lines {@code name: value} up to an empty line, then the body;
     * header names are taken in lower case, as the HTTP endpoint passes them (the HTTP binding's {@code ce-} prefix).
     */
    @FuzzTest(maxDuration = "10m")
    // no line breaks in entries: Jazzer 0.24 writes them unescaped and libFuzzer rejects the dictionary
    @DictionaryEntries({
        "ce-specversion: 1.0",
        "ce-id: ",
        "ce-source: ",
        "ce-type: ",
        "ce-subject: ",
        "ce-time: ",
        "content-type: application/json",
        "content-type: application/cloudevents+json",
        "ce-partitionkey: ",
        "ce-namespace: "
    })
    void message(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\n\n");
        Map<String, String> headers = new HashMap<>();
        for (String line : (end < 0 ? text : text.substring(0, end)).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).toLowerCase(Locale.ROOT),
                        new String(
                                line.substring(colon + 2).getBytes(StandardCharsets.ISO_8859_1),
                                StandardCharsets.UTF_8));
            }
        }
        byte[] body = end < 0 ? new byte[0] : Arrays.copyOfRange(input, end + 2, input.length);
        BINARY.check(input, () -> CloudEventCodecFuzzTest.readsBack(CloudEventCodec.fromHttp(body, headers, LIMITS)));
    }

    @AfterAll
    static void figures() {
        System.out.println(BINARY.report());
    }
}
