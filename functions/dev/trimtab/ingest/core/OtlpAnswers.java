package dev.trimtab.ingest.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf answers of an OTLP/HTTP receiver: {@code ExportMetricsServiceResponse} on success
 * (empty, or with {@code partial_success {rejected_data_points = 1; error_message = 2}} when
 * points were rejected) and {@code google.rpc.Status {code = 1; message = 2}} for a failure.
 */
public final class OtlpAnswers {
    /** google.rpc.Code values the receiver uses in a Status. */
    public static final int INVALID_ARGUMENT = 3;

    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int UNAVAILABLE = 14;

    private OtlpAnswers() {}

    /** An ExportMetricsServiceResponse; no partial success when {@code rejected} is 0 and there is no message. */
    public static byte[] response(long rejected, String message) {
        if (rejected == 0 && (message == null || message.isEmpty())) {
            return new byte[0];
        }
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        if (rejected != 0) {
            varintField(partial, 1, rejected);
        }
        if (message != null && !message.isEmpty()) {
            bytesField(partial, 2, message.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bytesField(out, 1, partial.toByteArray());
        return out.toByteArray();
    }

    /** A google.rpc.Status. */
    public static byte[] status(int code, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varintField(out, 1, code);
        bytesField(out, 2, message.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3 | ProtoReader.VARINT);
        varint(out, value);
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (long) field << 3 | ProtoReader.LENGTH_DELIMITED);
        varint(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
