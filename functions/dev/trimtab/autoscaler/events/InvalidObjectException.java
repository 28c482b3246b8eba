package dev.trimtab.autoscaler.events;

import java.util.List;

/** An object or event that cannot be used; every problem is named with its field path. */
public final class InvalidObjectException extends RuntimeException {
    private final List<String> problems;
    private final RejectReason reason;

    public InvalidObjectException(String what, List<String> problems) {
        this(what, problems, RejectReason.InvalidField);
    }

    /** {@code reason}: the kind of the first problem, for the rejection counter. */
    public InvalidObjectException(String what, List<String> problems, RejectReason reason) {
        super(what + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
        this.reason = reason;
    }

    public List<String> problems() {
        return problems;
    }

    public RejectReason reason() {
        return reason;
    }
}
