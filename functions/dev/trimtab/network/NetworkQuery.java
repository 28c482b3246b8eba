package dev.trimtab.network;

import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.Verdict;
import java.util.List;

/**
 * One can-reach or matrix question, built and answered the same way from the command line and from
 * a line of {@code --batch}. Problems are {@link IllegalArgumentException}s naming the argument as
 * its {@link Names} call it ({@code PORT "http": ...} on the command line, {@code port "http": ...}
 * in a batch line).
 */
sealed interface NetworkQuery {

    /** The verdicts that answer it, in order; a pod that is not in the manifests is a problem naming the argument. */
    List<Verdict> verdicts(NetworkModel model, ReachabilityAnalyzer analyzer);

    /** How the arguments are called in messages. */
    record Names(String from, String to, String port) {
        static final Names ARGUMENTS = new Names("FROM", "TO", "PORT");
        static final Names FIELDS = new Names("from", "to", "port");
    }

    /** can-reach: FROM and TO ({@code ns/pod} or an address) as typed, resolved against the manifests when answered. */
    static NetworkQuery canReach(String from, String to, String port, Names names) {
        return new CanReach(from, to, port(names.port(), port), names);
    }

    /** matrix: every ordered pair of pods of {@code namespaces} (empty: all). */
    static NetworkQuery matrix(String port, List<String> namespaces, Names names) {
        return new Matrix(port(names.port(), port), List.copyOf(namespaces));
    }

    private static Port port(String name, String text) {
        try {
            return Port.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " \"" + text + "\": " + e.getMessage());
        }
    }

    record CanReach(String from, String to, Port port, Names names) implements NetworkQuery {
        @Override
        public List<Verdict> verdicts(NetworkModel model, ReachabilityAnalyzer analyzer) {
            return List.of(analyzer.canReach(
                    NetworkCommand.endpoint(model, names.from(), from),
                    NetworkCommand.endpoint(model, names.to(), to),
                    port));
        }
    }

    record Matrix(Port port, List<String> namespaces) implements NetworkQuery {
        @Override
        public List<Verdict> verdicts(NetworkModel model, ReachabilityAnalyzer analyzer) {
            List<Pod> pods = model.pods().stream()
                    .filter(p -> namespaces.isEmpty() || namespaces.contains(p.namespace()))
                    .toList();
            return analyzer.matrix(pods, port);
        }
    }
}
