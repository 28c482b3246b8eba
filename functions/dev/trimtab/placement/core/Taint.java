package dev.trimtab.placement.core;

/** A node taint; {@code effect} is NoSchedule, PreferNoSchedule or NoExecute. */
public record Taint(String key, String value, String effect) {
    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
    public static final String NO_EXECUTE = "NoExecute";

    public Taint {
        value = value == null ? "" : value;
    }

    /** Upstream's reason form: {@code {key: value}}. */
    String shown() {
        return "{" + key + ": " + value + "}";
    }
}
