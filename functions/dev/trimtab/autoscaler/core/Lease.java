package dev.trimtab.autoscaler.core;

/**
 * When an instance must stop deciding for the partitions it was assigned: its consumer-group
 * membership may have expired once the group coordinator has not heard from it for
 * {@code session.timeout.ms}, after which another member may own those partitions. The instance
 * fences itself a margin of two heartbeat intervals earlier, so a decision already started ends
 * before a new owner can start (docs/decisions/0020, "Membership lease").
 */
public final class Lease {
    private Lease() {}

    /**
     * Whether an instance whose last heartbeat was {@code lastHeartbeatAgoMillis} ago (negative:
     * none yet, so nothing assigned, nothing to fence) must not decide: it is past
     * {@code sessionTimeoutMillis - 2 × heartbeatIntervalMillis}.
     *
     * @throws IllegalArgumentException naming the setting when the session does not exceed two
     *                                  heartbeat intervals (no margin is left)
     */
    public static boolean fenced(long lastHeartbeatAgoMillis, long sessionTimeoutMillis, long heartbeatIntervalMillis) {
        return lastHeartbeatAgoMillis >= 0
                && lastHeartbeatAgoMillis > limitMillis(sessionTimeoutMillis, heartbeatIntervalMillis);
    }

    /** How long without a heartbeat an instance still decides: the session less two heartbeat intervals. */
    public static long limitMillis(long sessionTimeoutMillis, long heartbeatIntervalMillis) {
        if (heartbeatIntervalMillis <= 0) {
            throw new IllegalArgumentException("heartbeat.interval.ms = " + heartbeatIntervalMillis + ", must be > 0");
        }
        if (sessionTimeoutMillis <= 2 * heartbeatIntervalMillis) {
            throw new IllegalArgumentException("session.timeout.ms = " + sessionTimeoutMillis
                    + ", must exceed 2 × heartbeat.interval.ms (" + 2 * heartbeatIntervalMillis + ")");
        }
        return sessionTimeoutMillis - 2 * heartbeatIntervalMillis;
    }
}
