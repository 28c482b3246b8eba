package dev.trimtab.ingest.core;

/**
 * Decodes Snappy's block format, the compression of a Prometheus remote-write body
 * ({@code Content-Encoding: snappy}: one block, not the framed stream format). Written for
 * hostile input: the declared length is checked against a cap before anything is allocated, and
 * every literal and copy is bounds-checked, so a bad body is a {@link BadPayload}, never an
 * exception from an array or an allocation sized by the sender. Pure Java: no native library
 * runs on a body from the network.
 *
 * <p>The format: the uncompressed length as a varint (at most 32 bits), then elements, each
 * starting with a tag byte whose low two bits say literal (00), copy with a 1-byte (01), 2-byte
 * (10) or 4-byte (11) offset back into the output.
 */
public final class Snappy {
    private Snappy() {}

    /**
     * @param maxLength the largest uncompressed size accepted, in bytes
     * @throws BadPayload when the block is malformed or declares more than {@code maxLength} bytes
     */
    public static byte[] decode(byte[] in, int maxLength) {
        int[] pos = {0};
        long declared = lengthVarint(in, pos);
        if (declared > maxLength) {
            throw new BadPayload("snappy: the body declares " + declared + " uncompressed bytes, more than the "
                    + maxLength + " accepted (trimtab.ingest.max-uncompressed-size)");
        }
        byte[] out = new byte[(int) declared];
        int o = 0;
        int i = pos[0];
        while (i < in.length) {
            int tag = in[i++] & 0xff;
            int len;
            long offset;
            switch (tag & 3) {
                case 0 -> {
                    int n = tag >>> 2;
                    if (n >= 60) {
                        int bytes = n - 59;
                        need(in, i, bytes, "literal length");
                        long l = 0;
                        for (int b = 0; b < bytes; b++) {
                            l |= (long) (in[i + b] & 0xff) << (8 * b);
                        }
                        i += bytes;
                        n = (int) Math.min(l, Integer.MAX_VALUE - 1);
                    }
                    len = n + 1;
                    need(in, i, len, "literal");
                    if (len > out.length - o) {
                        throw new BadPayload("snappy: a literal of " + len + " bytes at offset " + i
                                + " runs past the declared length " + out.length);
                    }
                    System.arraycopy(in, i, out, o, len);
                    i += len;
                    o += len;
                    continue;
                }
                case 1 -> {
                    need(in, i, 1, "copy offset");
                    len = 4 + ((tag >>> 2) & 7);
                    offset = ((long) (tag >>> 5) << 8) | (in[i++] & 0xff);
                }
                case 2 -> {
                    need(in, i, 2, "copy offset");
                    len = 1 + (tag >>> 2);
                    offset = (in[i] & 0xff) | (in[i + 1] & 0xff) << 8;
                    i += 2;
                }
                default -> {
                    need(in, i, 4, "copy offset");
                    len = 1 + (tag >>> 2);
                    offset = (in[i] & 0xffL)
                            | (in[i + 1] & 0xffL) << 8
                            | (in[i + 2] & 0xffL) << 16
                            | (in[i + 3] & 0xffL) << 24;
                    i += 4;
                }
            }
            if (offset == 0 || offset > o) {
                throw new BadPayload("snappy: a copy at offset " + (i - 1) + " refers " + offset
                        + " bytes back, but only " + o + " bytes were written");
            }
            if (len > out.length - o) {
                throw new BadPayload("snappy: a copy of " + len + " bytes runs past the declared length " + out.length);
            }
            int from = o - (int) offset;
            for (int k = 0; k < len; k++) { // byte by byte: a copy may overlap what it writes
                out[o++] = out[from + k];
            }
        }
        if (o != out.length) {
            throw new BadPayload("snappy: the body declares " + out.length + " uncompressed bytes but holds " + o);
        }
        return out;
    }

    private static long lengthVarint(byte[] in, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= in.length) {
                throw new BadPayload(
                        "snappy: the body ends inside its length" + (in.length == 0 ? " (it is empty)" : ""));
            }
            int b = in[pos[0]++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                if (v > 0xffffffffL) {
                    break;
                }
                return v;
            }
        }
        throw new BadPayload("snappy: the length at the start of the body is not a 32-bit varint");
    }

    private static void need(byte[] in, int at, int n, String what) {
        if (n < 0 || at > in.length - n) {
            throw new BadPayload("snappy: the body ends inside a " + what + " at offset " + at);
        }
    }
}
