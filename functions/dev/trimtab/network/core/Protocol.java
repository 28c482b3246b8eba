package dev.trimtab.network.core;

import java.util.Locale;

/** The L4 protocols a NetworkPolicy port names. {@code TCP} is the API default when none is given. */
public enum Protocol {
    TCP,
    UDP,
    SCTP;

    /**
     * The protocol named by {@code text}, case-sensitive as the API server is ({@code tcp} is rejected).
     *
     * @throws IllegalArgumentException naming {@code path} and the bad value
     */
    public static Protocol parse(Object text, String path) {
        if (text == null) {
            return TCP;
        }
        for (Protocol p : values()) {
            if (p.name().equals(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException(path + ": got " + Fields.quote(text) + ", want TCP, UDP or SCTP");
    }

    /** The lower-case form used in conventional port names ({@code serve-80-tcp}). */
    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
