package dev.trimtab.kube;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether every object of one kind's first list has been handled by the informer's event handler.
 * fabric8's informer completes its start once the list is in its store, but hands the ADD of each
 * listed object to the handler later, on another thread: "listed" does not mean "folded". The list
 * ({@link #listed}) and the handled objects ({@link #folded}) arrive in any order, from different
 * threads: an object handled before the list is remembered and subtracted from it. Once every listed
 * object has been handled the kind is {@link #complete()} for good and nothing more is kept (no
 * memory grows with later events). Objects are identified by uid (any stable key will do).
 * Thread-safe.
 */
public final class ListedFolds {
    private Set<String> early = new HashSet<>();
    private Set<String> pending;
    private boolean complete;
    private Runnable whenComplete;

    /** The handler is done with the object {@code uid} (an add, update or delete; also when it failed). */
    public void folded(String uid) {
        Runnable then;
        synchronized (this) {
            if (complete) {
                return;
            }
            if (pending == null) {
                early.add(uid);
                return;
            }
            pending.remove(uid);
            if (!pending.isEmpty()) {
                return;
            }
            then = done();
        }
        then.run();
    }

    /** The first list's objects (an empty list for a kind not served); a later list is ignored. */
    public void listed(Collection<String> uids) {
        Runnable then;
        synchronized (this) {
            if (complete || pending != null) {
                return;
            }
            pending = new HashSet<>(uids);
            pending.removeAll(early);
            early = null;
            if (!pending.isEmpty()) {
                return;
            }
            then = done();
        }
        then.run();
    }

    /**
     * Runs {@code then} once complete: at once (on this thread) when it already is, else on the
     * thread of the call that completes it, outside this object's lock. One action; a later call replaces it.
     */
    public void whenComplete(Runnable then) {
        synchronized (this) {
            if (!complete) {
                whenComplete = then;
                return;
            }
        }
        then.run();
    }

    private Runnable done() {
        complete = true;
        pending = null;
        early = null;
        Runnable then = whenComplete == null ? () -> {} : whenComplete;
        whenComplete = null;
        return then;
    }

    /** True once the first list has come and each of its objects has been handled. */
    public synchronized boolean complete() {
        return complete;
    }

    /** Whether the first list has come (complete or not). */
    public synchronized boolean listed() {
        return complete || pending != null;
    }

    /** How many listed objects the handler has still to handle: 0 before the list and once complete. */
    public synchronized int pending() {
        return pending == null ? 0 : pending.size();
    }

    /** Objects remembered from before the list (for tests: dropped once the list came). */
    synchronized int remembered() {
        return early == null ? 0 : early.size();
    }
}
