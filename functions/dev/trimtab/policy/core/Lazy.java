package dev.trimtab.policy.core;

import java.util.function.Supplier;

/** A value computed on first use (a namespace read only when a selector or namespaceObject needs it). */
final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> compute;
    private boolean done;
    private T value;

    Lazy(Supplier<T> compute) {
        this.compute = compute;
    }

    @Override
    public T get() {
        if (!done) {
            value = compute.get();
            done = true;
        }
        return value;
    }
}
