package dev.trimtab.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Findings of {@link CloudEventCodecFuzzTest}, kept as plain cases, and the SDK-read attributes (issue 18 item 5). */
class CloudEventCodecTest {
    private static final CloudEventCodec.Limits LIMITS = new CloudEventCodec.Limits(65_536, 32);
    private static final Map<String, String> HEADERS =
            Map.of("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s", "ce-type", "t");

    /** Found by fuzzing: a body of white space was read as Jackson's missing node and carried as data. */
    @Test
    void aBinaryModeBodyOfWhiteSpaceIsNotJson() {
        byte[] body = "\n \r\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CloudEventCodec.fromHttp(body, HEADERS, LIMITS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("binary-mode data is not JSON: the body (4 bytes) holds only white space");
        assertThatThrownBy(() -> CloudEventCodec.fromHttp(body, HEADERS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds only white space");
    }

    @Test
    void anEmptyBinaryModeBodyIsAnEventWithoutData() {
        assertThat(CloudEventCodec.fromHttp(new byte[0], HEADERS, LIMITS).data())
                .isNull();
    }

    /** Why the missing node must not get in: it is written as {@code null}, so the event changes on the way out. */
    @Test
    void aMissingNodeChangesOnWriting() {
        String line = CloudEventCodec.write(
                new CloudEvent("1", "/s", "t", null, null, null, MissingNode.getInstance(), Map.of()));
        assertThat(line).contains("\"data\":null");
        assertThat(CloudEventCodec.parse(line).data().isMissingNode()).as(line).isFalse();
    }

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /** Before the SDK, binary mode kept only partitionkey and namespace: tracing and Knative's attributes were lost. */
    @Test
    void binaryModeOverHttpKeepsEveryExtensionAndDecodesPercentEncodedValues() {
        Map<String, String> headers = new HashMap<>(HEADERS);
        headers.put("ce-traceparent", TRACEPARENT);
        headers.put("ce-knativearrivaltime", "2026-12-07T10:00:00Z");
        headers.put("ce-subject", "caf%C3%A9 \uD83D\uDE80%21"); // an escape after a character outside the BMP
        headers.put("ce-dataschema", "https://trimtab.dev/schemas/metric");
        headers.put("content-type", "application/json");
        CloudEvent e = CloudEventCodec.fromHttp("{\"v\":1}".getBytes(StandardCharsets.UTF_8), headers, LIMITS);
        assertThat(e.extensions())
                .containsEntry("traceparent", TRACEPARENT)
                .containsEntry("knativearrivaltime", "2026-12-07T10:00:00Z");
        assertThat(e.subject()).isEqualTo("café \uD83D\uDE80!");
        assertThat(e.dataSchema()).isEqualTo("https://trimtab.dev/schemas/metric");
        assertThat(e.data().get("v").asLong()).isEqualTo(1);
        String line = CloudEventCodec.write(e);
        assertThat(CloudEventCodec.parse(line)).as(line).isEqualTo(e);
    }

    @Test
    void binaryModeOverKafkaKeepsEveryExtension() {
        RecordHeaders h = new RecordHeaders();
        Map.of(
                        "ce_specversion",
                        "1.0",
                        "ce_id",
                        "k1",
                        "ce_source",
                        "/s",
                        "ce_type",
                        "t",
                        "ce_traceparent",
                        TRACEPARENT,
                        "ce_partitionkey",
                        "shop/web",
                        "content-type",
                        "application/json")
                .forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        byte[] body = "[1,2]".getBytes(StandardCharsets.UTF_8);
        CloudEvent e = CloudEventCodec.fromRecord(
                new ConsumerRecord<>(
                        "t", 0, 0L, 0L, TimestampType.CREATE_TIME, -1, body.length, "k", body, h, Optional.empty()),
                LIMITS);
        assertThat(e.extensions()).containsOnlyKeys("traceparent", "partitionkey");
        assertThat(e.data().size()).isEqualTo(2);
    }

    @Test
    void structuredModeReadsDataBase64AndKeepsTheDataSchema() {
        String base64 = Base64.getEncoder().encodeToString("{\"v\":2}".getBytes(StandardCharsets.UTF_8));
        CloudEvent e = CloudEventCodec.parse(
                ("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                                + "\"dataschema\":\"https://trimtab.dev/s\",\"traceparent\":\"" + TRACEPARENT
                                + "\",\"data_base64\":\""
                                + base64 + "\"}")
                        .getBytes(StandardCharsets.UTF_8),
                LIMITS);
        assertThat(e.data().get("v").asLong()).isEqualTo(2);
        assertThat(e.dataSchema()).isEqualTo("https://trimtab.dev/s");
        assertThat(e.extensions()).containsEntry("traceparent", TRACEPARENT);
        assertThat(CloudEventCodec.write(e))
                .contains("\"dataschema\":\"https://trimtab.dev/s\"")
                .contains("\"traceparent\":\"" + TRACEPARENT + "\"")
                .contains("\"data\":{\"v\":2}");
    }

    @Test
    void whatTheSpecificationForbidsIsRefusedWithTheReason() {
        String head = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",";
        String notJson = Base64.getEncoder().encodeToString("not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CloudEventCodec.parse(head + "\"data\":{},\"data_base64\":\"e30=\"}"))
                .hasMessage("an event carries data or data_base64, not both");
        assertThatThrownBy(() -> CloudEventCodec.parse(head + "\"data_base64\":\"" + notJson + "\"}"))
                .hasMessageStartingWith("data_base64 is not JSON: ");
        assertThatThrownBy(() -> CloudEventCodec.parse(head + "\"Bad_Name\":\"x\"}"))
                .hasMessageStartingWith("not a CloudEvent: ");
        // Trimtab's own wording where it checks first
        assertThatThrownBy(() -> CloudEventCodec.parse("{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\"}"))
                .hasMessage("required attribute \"id\" is missing");
        Map<String, String> noType = new HashMap<>(HEADERS);
        noType.remove("ce-type");
        assertThatThrownBy(() -> CloudEventCodec.fromHttp(new byte[0], noType, LIMITS))
                .hasMessage("required attribute \"type\" is missing");
        // found by fuzzing: a ce-data header came back as the event's data once written in structured mode
        Map<String, String> dataHeader = new HashMap<>(HEADERS);
        dataHeader.put("ce-data", "x");
        assertThatThrownBy(() -> CloudEventCodec.fromHttp(new byte[0], dataHeader, LIMITS))
                .hasMessage("attribute \"data\" is reserved for the event's data");
        Map<String, String> badEscape = new HashMap<>(HEADERS);
        badEscape.put("ce-subject", "50%");
        assertThatThrownBy(() -> CloudEventCodec.fromHttp(new byte[0], badEscape, LIMITS))
                .hasMessage("header ce-subject: \"50%\" has a malformed percent-encoding at character 3");
    }
}
