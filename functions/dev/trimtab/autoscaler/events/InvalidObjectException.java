package dev.trimtab.autoscaler.events;

import java.util.List;

/** An object or event that cannot be used; every problem is named with its field path. */
public final class InvalidObjectException extends RuntimeException {
    private final List<String> problems;
    private final RejectReason reason;

    public InvalidObjectException(String what, List<String> problems) {
        this(what, problems, RejectReason.InvalidField);
    }

    /** The most problems a message lists (it travels as a Kafka header and an HTTP body). */
    static final int MAX_LISTED = 10;

    /**
     * {@code reason}: the kind of the first problem, for the rejection counter. The message lists
     * the first {@value #MAX_LISTED} problems and counts the rest.
     */
    public InvalidObjectException(String what, List<String> problems, RejectReason reason) {
        super(cut(what, 200) + ": "
                + String.join(
                        "; ",
                        problems.subList(0, Math.min(problems.size(), MAX_LISTED)).stream()
                                .map(p -> cut(p, 600))
                                .toList())
                + (problems.size() > MAX_LISTED ? "; and " + (problems.size() - MAX_LISTED) + " more problems" : ""));
        this.problems = List.copyOf(problems);
        this.reason = reason;
    }

    /** Names and paths come from the input too: none makes a message longer than this. */
    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…(" + text.length() + " characters)";
    }

    public List<String> problems() {
        return problems;
    }

    public RejectReason reason() {
        return reason;
    }
}
