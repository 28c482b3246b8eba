package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Bounded gzip inflation, and the OTLP answers read back with protobuf-java's own decoder. */
class GzipAndAnswersTest {
    static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void aGzipBodyIsInflatedNoFurtherThanItsBound() throws Exception {
        byte[] raw = "hello, otlp".repeat(100).getBytes(StandardCharsets.UTF_8);
        assertThat(Gzip.decode(gzip(raw), raw.length)).isEqualTo(raw);
        assertThatThrownBy(() -> Gzip.decode(gzip(raw), raw.length - 1))
                .isInstanceOf(Gzip.TooLarge.class)
                .hasMessageContaining("inflates to more than " + (raw.length - 1) + " bytes");
        byte[] bomb = gzip(new byte[64 << 20]);
        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> Gzip.decode(bomb, 1 << 20)).isInstanceOf(Gzip.TooLarge.class);
        byte[] cut = Arrays.copyOf(gzip(raw), 20);
        assertThatThrownBy(() -> Gzip.decode(cut, 1 << 20))
                .isInstanceOf(BadPayload.class)
                .hasMessageContaining("not valid gzip");
        assertThatThrownBy(() -> Gzip.decode(raw, 1 << 20)).isInstanceOf(BadPayload.class);
    }

    @Test
    void answersAreTheMessagesTheSpecificationNames() throws Exception {
        assertThat(OtlpAnswers.response(0, "")).isEmpty();
        // ExportMetricsServiceResponse { partial_success (1) { rejected_data_points (1), error_message (2) } }
        CodedInputStream in = CodedInputStream.newInstance(OtlpAnswers.response(3, "three NaN"));
        assertThat(in.readTag()).isEqualTo(1 << 3 | 2);
        CodedInputStream partial = CodedInputStream.newInstance(in.readByteArray());
        assertThat(partial.readTag()).isEqualTo(1 << 3);
        assertThat(partial.readInt64()).isEqualTo(3);
        assertThat(partial.readTag()).isEqualTo(2 << 3 | 2);
        assertThat(partial.readString()).isEqualTo("three NaN");
        assertThat(in.isAtEnd()).isTrue();
        // google.rpc.Status { code (1), message (2) }
        CodedInputStream status =
                CodedInputStream.newInstance(OtlpAnswers.status(OtlpAnswers.INVALID_ARGUMENT, "bad ✗"));
        assertThat(status.readTag()).isEqualTo(1 << 3);
        assertThat(status.readInt32()).isEqualTo(3);
        assertThat(status.readTag()).isEqualTo(2 << 3 | 2);
        assertThat(status.readString()).isEqualTo("bad ✗");
    }
}
