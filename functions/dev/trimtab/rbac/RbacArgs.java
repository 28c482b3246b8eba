package dev.trimtab.rbac;

import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.UserInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parsed command line of {@code rbac}. The target is {@code kubectl auth can-i}'s: a URL
 * starting with {@code /}, or {@code resource[.group][/name]} taken literally (the group is
 * everything after the first dot; no discovery, no short names). Options take their value as the
 * next argument or after {@code =}. Problems are thrown as {@link IllegalArgumentException} naming
 * the argument.
 *
 * @param batch   can-i and who-can: the {@code --batch} file ({@code -} for stdin) whose lines are
 *                the queries, or null for the one query of the command line
 * @param user    can-i without {@code --batch}: who asks
 * @param request can-i and who-can without {@code --batch}: what is asked
 */
record RbacArgs(String command, Path manifests, String batch, UserInfo user, AccessRequest request) {
    private static final List<String> COMMANDS = List.of("can-i", "who-can", "escalations", "intents");
    private static final List<String> OPTIONS = List.of("--manifests", "--batch", "--as", "--as-group", "--subresource",
            "--namespace");
    /** The options that are a field of each line with {@code --batch}. */
    private static final Map<String, String> FIELDS = Map.of("--as", "as", "--as-group", "asGroups",
            "--subresource", "subresource", "--namespace", "namespace");

    static RbacArgs parse(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            throw new IllegalArgumentException(args.length == 0 ? "a command is required"
                    : "unknown command \"" + args[0] + "\", want can-i, who-can, escalations or intents");
        }
        String command = args[0];
        String manifests = null;
        String batch = null;
        String user = null;
        String subresource = "";
        String namespace = "";
        List<String> groups = new ArrayList<>();
        List<String> queryOptions = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String option = eq < 0 ? arg : arg.substring(0, eq);
            if (!OPTIONS.contains(option)) {
                throw new IllegalArgumentException(option + ": unknown option");
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(option + ": a value is required");
            }
            if (FIELDS.containsKey(option)) {
                queryOptions.add(option);
            }
            switch (option) {
                case "--manifests" -> manifests = value;
                case "--batch" -> batch = command.equals("can-i") || command.equals("who-can") ? value
                        : unexpected(option, command);
                case "--as" -> user = command.equals("can-i") ? value : unexpected(option, command);
                case "--as-group" -> groups.add(command.equals("can-i") ? value : unexpected(option, command));
                case "--subresource" -> subresource = value;
                case "--namespace" -> namespace = value;
                default -> throw new IllegalArgumentException(option + ": unknown option");
            }
        }
        if (manifests == null || manifests.isEmpty()) {
            throw new IllegalArgumentException("--manifests: required");
        }
        if (command.equals("escalations") || command.equals("intents")) {
            if (!positional.isEmpty()) {
                throw new IllegalArgumentException(positional.get(0) + ": " + command + " takes no arguments");
            }
            return new RbacArgs(command, Path.of(manifests), null, null, null);
        }
        if (batch != null) {
            if (!queryOptions.isEmpty()) {
                String option = queryOptions.get(0);
                throw new IllegalArgumentException(option + ": not with --batch, give \"" + FIELDS.get(option)
                        + "\" on each line");
            }
            if (!positional.isEmpty()) {
                throw new IllegalArgumentException(positional.get(0) + ": no arguments with --batch, its lines are the queries");
            }
            return new RbacArgs(command, Path.of(manifests), batch, null, null);
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException(positional.size() < 2 ? "VERB and TYPE[/NAME]|URL are required"
                    : positional.get(2) + ": unexpected argument");
        }
        if (command.equals("who-can")) {
            return new RbacArgs(command, Path.of(manifests), null, null,
                    RbacQueries.request(positional.get(0), positional.get(1), subresource, namespace));
        }
        RbacQueries.CanI q = RbacQueries.canI(user, groups, positional.get(0), positional.get(1), subresource, namespace);
        return new RbacArgs(command, Path.of(manifests), null, q.user(), q.request());
    }

    private static String unexpected(String option, String command) {
        throw new IllegalArgumentException(option + ": not an option of " + command);
    }
}
