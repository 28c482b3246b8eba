package dev.trimtab.placement.rebalance.core;

import java.util.Set;

/** A plugin's {@code namespaces} argument: include or exclude (not both); empty sets admit every namespace. */
public record Namespaces(Set<String> include, Set<String> exclude) {
    public static final Namespaces ALL = new Namespaces(Set.of(), Set.of());

    public Namespaces {
        include = Set.copyOf(include);
        exclude = Set.copyOf(exclude);
        if (!include.isEmpty() && !exclude.isEmpty()) {
            throw new IllegalArgumentException("namespaces: only one of include and exclude can be set");
        }
    }

    public boolean admits(String namespace) {
        return (include.isEmpty() || include.contains(namespace)) && !exclude.contains(namespace);
    }
}
