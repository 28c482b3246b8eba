package dev.trimtab.placement.core;

/**
 * A pod's controlling owner ({@code metadata.ownerReferences} entry with {@code controller: true},
 * the first one, as {@code metav1.GetControllerOfNoCopy}) when it is one of the kinds whose selector
 * the default spreading uses: {@code v1} ReplicationController, {@code apps/v1} ReplicaSet or
 * StatefulSet. Other owners are not recorded (upstream ignores them there too).
 */
public record ControllerRef(Kind kind, String name) {
    public enum Kind {
        ReplicationController,
        ReplicaSet,
        StatefulSet
    }

    /** The owner kind for an {@code apiVersion} and {@code kind}, or null when it is not one of the three. */
    static Kind kindOf(String apiVersion, String kind) {
        if ("v1".equals(apiVersion) && "ReplicationController".equals(kind)) {
            return Kind.ReplicationController;
        }
        if ("apps/v1".equals(apiVersion) && "ReplicaSet".equals(kind)) {
            return Kind.ReplicaSet;
        }
        if ("apps/v1".equals(apiVersion) && "StatefulSet".equals(kind)) {
            return Kind.StatefulSet;
        }
        return null;
    }

    @Override
    public String toString() {
        return kind + " " + name;
    }
}
