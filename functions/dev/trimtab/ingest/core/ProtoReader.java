package dev.trimtab.ingest.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol-buffers wire format over one slice of a byte array: just what the metric
 * receivers need (varints, 64-bit fixed values, length-delimited fields, skipping unknown
 * fields), every length checked against the slice, so a hostile body ends in a {@link BadPayload}
 * naming the message and field. Nested messages are read by a new reader over their slice:
 * recursion is bounded by the schema the caller walks, not by the input.
 */
public final class ProtoReader {
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LENGTH_DELIMITED = 2;
    public static final int FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private final String what;
    private int pos;

    public ProtoReader(byte[] buf, String what) {
        this(buf, 0, buf.length, what);
    }

    private ProtoReader(byte[] buf, int from, int to, String what) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.what = what;
    }

    /** The message this reader reads, as errors name it ({@code WriteRequest.timeseries[3]}). */
    public String where() {
        return what;
    }

    public boolean done() {
        return pos >= end;
    }

    /** The next field's tag ({@code field << 3 | wireType}). */
    public int tag() {
        long t = varint();
        if (t >>> 3 == 0 || t > Integer.MAX_VALUE) {
            throw bad("field number " + (t >>> 3) + " at offset " + pos + " is not a valid field number");
        }
        return (int) t;
    }

    public long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw bad("ends inside a varint");
            }
            byte b = buf[pos++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw bad("a varint at offset " + pos + " is longer than 10 bytes");
    }

    public double fixed64AsDouble() {
        return Double.longBitsToDouble(fixed64());
    }

    /** A {@code fixed64} or {@code sfixed64} value (little-endian), as the signed long of its bits. */
    public long fixed64() {
        if (end - pos < 8) {
            throw bad("ends inside a 64-bit value");
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    /** A nested message's reader; {@code name} names it in errors. */
    public ProtoReader message(String name) {
        int len = length();
        ProtoReader r = new ProtoReader(buf, pos, pos + len, what + "." + name);
        pos += len;
        return r;
    }

    /** A UTF-8 string (proto3 strings must be valid UTF-8; anything else is rejected). */
    public String string(String field) {
        int len = length();
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, len))
                    .toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw bad(field + " is not valid UTF-8");
        }
    }

    /** The length of a string field without reading it (for limits checked before decoding). */
    public int peekLength() {
        int save = pos;
        int len = length();
        pos = save;
        return len;
    }

    /** Skips a field of this wire type (unknown fields are allowed, as in every protobuf reader). */
    public void skip(int wireType) {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(length());
            case FIXED32 -> advance(4);
            default ->
                throw bad("wire type " + wireType + " at offset " + pos + " is not one this reader knows "
                        + "(groups are not used by these messages)");
        }
    }

    public BadPayload bad(String message) {
        return new BadPayload(what + ": " + message);
    }

    private int length() {
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw bad("a field of " + len + " bytes at offset " + pos + " runs past the end of its message");
        }
        return (int) len;
    }

    private void advance(int n) {
        if (n > end - pos) {
            throw bad("ends inside a field");
        }
        pos += n;
    }
}
