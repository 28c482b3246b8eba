package dev.trimtab.network;

import dev.trimtab.network.core.Port;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed command line of {@code network}. Problems are {@link IllegalArgumentException}s
 * naming the argument ({@code PORT "http": want a number in 1..65535}).
 *
 * @param from       {@code ns/pod} or an address (can-reach only)
 * @param to         {@code ns/pod} or an address (can-reach only)
 * @param port       the probed port (not for intents)
 * @param namespaces matrix only: the namespaces whose pods to include; empty means all
 * @param plan       intents only: also plan the NetworkPolicies of Enforce intents
 */
record NetworkArgs(String command, Path manifests, String from, String to, Port port, List<String> namespaces,
                   boolean plan) {
    private static final List<String> COMMANDS = List.of("can-reach", "matrix", "intents");

    static NetworkArgs parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("missing command: can-reach, matrix or intents");
        }
        String command = args[0];
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException("unknown command \"" + command + "\": want can-reach, matrix or intents");
        }
        Path manifests = null;
        boolean plan = false;
        List<String> namespaces = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--manifests" -> manifests = Path.of(value(args, ++i, a));
                case "--namespace" -> {
                    if (!command.equals("matrix")) {
                        throw new IllegalArgumentException("--namespace: only for matrix");
                    }
                    namespaces.add(value(args, ++i, a));
                }
                case "--plan" -> {
                    if (!command.equals("intents")) {
                        throw new IllegalArgumentException("--plan: only for intents");
                    }
                    plan = true;
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    positional.add(a);
                }
            }
        }
        if (manifests == null) {
            throw new IllegalArgumentException("--manifests DIR: required");
        }
        if (command.equals("intents")) {
            if (!positional.isEmpty()) {
                throw new IllegalArgumentException("intents: got " + positional.size() + " arguments " + positional
                        + ", want none");
            }
            return new NetworkArgs(command, manifests, null, null, null, List.of(), plan);
        }
        List<String> want = command.equals("can-reach") ? List.of("FROM", "TO", "PORT") : List.of("PORT");
        if (positional.size() != want.size()) {
            throw new IllegalArgumentException(command + ": got " + positional.size() + " arguments "
                    + positional + ", want " + String.join(" ", want));
        }
        Port port = port(positional.get(positional.size() - 1));
        return command.equals("can-reach")
                ? new NetworkArgs(command, manifests, positional.get(0), positional.get(1), port, List.of(), false)
                : new NetworkArgs(command, manifests, null, null, port, List.copyOf(namespaces), false);
    }

    private static Port port(String text) {
        try {
            return Port.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PORT \"" + text + "\": " + e.getMessage());
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return args[i];
    }
}
