package dev.trimtab.auth.core;

/** A review could not be made (the API server unreachable, a timeout, an error answer): fail closed. */
public class ReviewUnavailable extends Exception {
    public ReviewUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
