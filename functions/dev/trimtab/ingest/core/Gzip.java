package dev.trimtab.ingest.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A gzip-compressed request body ({@code Content-Encoding: gzip}, which OTLP/HTTP senders may
 * use), decompressed no further than {@code max} bytes: a small body that would inflate past it is
 * refused after {@code max + 1} bytes, not held whole.
 */
public final class Gzip {
    private Gzip() {}

    /** A body that inflates past the bound: OTLP answers 413 for it, not 400. */
    public static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @throws BadPayload for a body that is not gzip or is cut short
     * @throws TooLarge   for one that inflates past {@code max} bytes
     */
    public static byte[] decode(byte[] body, int max) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
            byte[] out = in.readNBytes(max + 1);
            if (out.length > max) {
                throw new TooLarge(
                        "the gzip body inflates to more than " + max + " bytes (trimtab.ingest.max-uncompressed-size)");
            }
            return out;
        } catch (IOException e) {
            throw new BadPayload("the body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
        }
    }
}
