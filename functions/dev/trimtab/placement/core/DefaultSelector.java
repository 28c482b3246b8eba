package dev.trimtab.placement.core;

import dev.trimtab.kube.LabelSelector;
import java.util.List;

/**
 * The selector the default spreading counts with, upstream's {@code helper.DefaultSelector}: the
 * selectors of the pod's namespace's Services that select it, merged as one label set (together with
 * the selector of its controlling ReplicationController), ANDed with the requirements of its
 * controlling ReplicaSet's or StatefulSet's label selector. {@code sources} names the objects it came
 * from ({@code Service web}, {@code ReplicaSet web-7d9f}) for the explanation.
 */
public record DefaultSelector(LabelSelector selector, List<String> sources) {
    static final DefaultSelector EMPTY = new DefaultSelector(LabelSelector.EVERYTHING, List.of());

    public DefaultSelector {
        sources = List.copyOf(sources);
    }

    /** No requirement at all ({@code labels.Selector.Empty()}): the default constraints do not apply. */
    public boolean empty() {
        return selector.matchLabels().isEmpty() && selector.matchExpressions().isEmpty();
    }
}
