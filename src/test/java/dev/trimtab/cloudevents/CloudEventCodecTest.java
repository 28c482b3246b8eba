package dev.trimtab.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Findings of {@link CloudEventCodecFuzzTest}, kept as plain cases. */
class CloudEventCodecTest {
    private static final CloudEventCodec.Limits LIMITS = new CloudEventCodec.Limits(65_536, 32);
    private static final Map<String, String> HEADERS = Map.of("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s",
            "ce-type", "t");

    /** Found by fuzzing: a body of white space was read as Jackson's missing node and carried as data. */
    @Test
    void aBinaryModeBodyOfWhiteSpaceIsNotJson() {
        byte[] body = "\n \r\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CloudEventCodec.fromMessage(body, "ce-", HEADERS::get, LIMITS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("binary-mode data is not JSON: the body (4 bytes) holds only white space");
        assertThatThrownBy(() -> CloudEventCodec.fromMessage(body, "ce-", HEADERS::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds only white space");
    }

    @Test
    void anEmptyBinaryModeBodyIsAnEventWithoutData() {
        assertThat(CloudEventCodec.fromMessage(new byte[0], "ce-", HEADERS::get, LIMITS).data()).isNull();
    }

    /** Why the missing node must not get in: it is written as {@code null}, so the event changes on the way out. */
    @Test
    void aMissingNodeChangesOnWriting() {
        String line = CloudEventCodec.write(new CloudEvent("1", "/s", "t", null, null, null, MissingNode.getInstance(),
                Map.of()));
        assertThat(line).contains("\"data\":null");
        assertThat(CloudEventCodec.parse(line).data().isMissingNode()).as(line).isFalse();
    }
}
