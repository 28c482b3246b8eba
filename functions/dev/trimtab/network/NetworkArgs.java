package dev.trimtab.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed command line of {@code network}. Problems are {@link IllegalArgumentException}s
 * naming the argument ({@code PORT "http": want a number in 1..65535}).
 *
 * @param batch  can-reach and matrix: the {@code --batch} file ({@code -} for stdin) whose lines are
 *               the queries, or null for the one query of the command line
 * @param query  the query of the command line (can-reach and matrix without {@code --batch})
 * @param plan   intents only: also plan the NetworkPolicies of Enforce intents
 */
record NetworkArgs(String command, Path manifests, String batch, NetworkQuery query, boolean plan) {
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
        String batch = null;
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
                case "--batch" -> {
                    if (command.equals("intents")) {
                        throw new IllegalArgumentException("--batch: only for can-reach and matrix");
                    }
                    batch = value(args, ++i, a);
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
            return new NetworkArgs(command, manifests, null, null, plan);
        }
        if (batch != null) {
            if (!positional.isEmpty()) {
                throw new IllegalArgumentException(positional.get(0) + ": no arguments with --batch, its lines are the queries");
            }
            if (!namespaces.isEmpty()) {
                throw new IllegalArgumentException("--namespace: not with --batch, give \"namespaces\" on each line");
            }
            return new NetworkArgs(command, manifests, batch, null, false);
        }
        List<String> want = command.equals("can-reach") ? List.of("FROM", "TO", "PORT") : List.of("PORT");
        if (positional.size() != want.size()) {
            throw new IllegalArgumentException(command + ": got " + positional.size() + " arguments "
                    + positional + ", want " + String.join(" ", want));
        }
        NetworkQuery.Names names = NetworkQuery.Names.ARGUMENTS;
        return new NetworkArgs(command, manifests, null, command.equals("can-reach")
                ? NetworkQuery.canReach(positional.get(0), positional.get(1), positional.get(2), names)
                : NetworkQuery.matrix(positional.get(0), namespaces, names), false);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return args[i];
    }
}
