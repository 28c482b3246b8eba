package dev.trimtab.autoscaler.events;

import java.util.List;

/** An object or event that cannot be used; every problem is named with its field path. */
public final class InvalidObjectException extends RuntimeException {
    private final List<String> problems;

    public InvalidObjectException(String what, List<String> problems) {
        super(what + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
