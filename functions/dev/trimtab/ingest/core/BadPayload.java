package dev.trimtab.ingest.core;

/**
 * A request body that can never be read: the receiver answers 400 with this message (which names
 * the series or field) and applies nothing of the request.
 */
public final class BadPayload extends RuntimeException {
    public BadPayload(String message) {
        super(message, null, false, false);
    }
}
