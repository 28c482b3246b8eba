package dev.trimtab.network.core.intent;

import java.util.Map;

/**
 * One NetworkPolicy to write: {@code policy} is the whole object (apiVersion, kind, metadata with
 * name, namespace and Trimtab's labels, spec) for create and update, and the object as found for
 * delete. Update replaces the spec and sets the labels; other metadata is the caller's to keep.
 */
public record PolicyChange(Action action, Map<String, Object> policy) {
    /** The names are stable: they appear in answers. */
    public enum Action {
        create,
        update,
        delete
    }

    /** {@code ns/name} of the policy. */
    public String key() {
        Map<?, ?> meta = (Map<?, ?>) policy.get("metadata");
        return meta.get("namespace") + "/" + meta.get("name");
    }
}
