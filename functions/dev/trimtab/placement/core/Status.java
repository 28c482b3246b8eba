package dev.trimtab.placement.core;

import java.util.List;

/**
 * A filter verdict for one node ({@code framework.Status}): success, or a rejection with upstream's
 * reason strings. {@code UNSCHEDULABLE_AND_UNRESOLVABLE} marks rejections preemption cannot fix.
 */
public record Status(Code code, List<String> reasons) {
    public enum Code {
        SUCCESS("Success"),
        UNSCHEDULABLE("Unschedulable"),
        UNSCHEDULABLE_AND_UNRESOLVABLE("UnschedulableAndUnresolvable");

        private final String text;

        Code(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public static final Status SUCCESS = new Status(Code.SUCCESS, List.of());

    public Status {
        reasons = List.copyOf(reasons);
    }

    public static Status unschedulable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons));
    }

    public static Status unresolvable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons));
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }
}
