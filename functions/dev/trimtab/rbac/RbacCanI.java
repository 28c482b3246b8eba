package dev.trimtab.rbac;

import dev.trimtab.cli.Cli;
import dev.trimtab.cli.KubeOptions;
import dev.trimtab.cli.Lines;
import dev.trimtab.cli.Output;
import dev.trimtab.cli.QueryBatch;
import dev.trimtab.rbac.core.Answer;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.Grant;
import dev.trimtab.rbac.core.PolicyRule;
import dev.trimtab.rbac.core.UserInfo;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rbac can-i}, as {@code kubectl auth can-i}: prints {@code yes} (exit 0) or {@code no}
 * (exit 1); {@code -q} prints nothing; {@code -o json|yaml} prints the answer with the rules that
 * grant it; {@code --list} prints every rule that applies to the user in the namespace, as kubectl's
 * table. Offline there is no current user, so {@code --as} is required, and no kubeconfig, so the
 * namespace is {@code default} unless {@code -n} or {@code -A} says otherwise.
 *
 * <p>With {@code --batch FILE} ({@code -}: stdin) each line of FILE is one question,
 * {@code {"as":"alice","asGroups":["dev"],"verb":"get","resource":"pods/web","subresource":"log","namespace":"team-a"}}
 * ({@code resource} is what {@code TYPE[/NAME]|URL} takes; {@code namespace} absent: all namespaces),
 * answered with one JSON line each over manifests read once ({@link QueryBatch}): exit 0 when every
 * line was answered, 2 when a line was bad.
 */
@Command(
        name = "can-i",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Whether USER may VERB a TYPE[/NAME] or a NONRESOURCEURL: prints yes (exit 0) or no (exit 1).")
final class RbacCanI implements Callable<Integer> {
    static final List<String> BATCH_FIELDS = List.of("as", "asGroups", "verb", "resource", "subresource", "namespace");

    private final Cli.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    KubeOptions.ManifestsDir manifests;

    @Mixin
    KubeOptions.Impersonation who;

    @Mixin
    KubeOptions.Namespace namespace;

    @Option(names = "--subresource", paramLabel = "SUB", description = "A subresource, such as log or scale.")
    String subresource = "";

    @Option(names = "--list", description = "Print every rule that applies to the user in the namespace.")
    boolean list;

    @Option(names = "--no-headers", description = "With --list: no header line.")
    boolean noHeaders;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print nothing: the exit status is the answer.")
    boolean quiet;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            completionCandidates = Output.Names.class,
            description = "json or yaml: the answer with the rules that grant it (default: yes or no).")
    Output output;

    @Option(
            names = "--batch",
            paramLabel = "FILE",
            description = "Answer the questions of FILE (- for stdin), one JSON object a line.")
    String batch;

    @Parameters(
            arity = "0..2",
            paramLabel = "VERB TYPE[/NAME]|NONRESOURCEURL",
            description =
                    "A verb (get, list, create, …) and what it acts on: pods, deploy/web, deployments.apps, /healthz.")
    List<String> words = new ArrayList<>();

    RbacCanI(Cli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (batch != null) {
            refuseWithBatch();
        } else if (who.user == null || who.user.isEmpty()) {
            throw usage("--as: required (offline there is no current user)");
        }
        String ns = namespaceOrUsage();
        RbacCommand.Cluster cluster = RbacCommand.Cluster.read(manifests, io.err());
        Authorizer authorizer = new Authorizer(cluster.model());
        if (batch != null) {
            return batch(authorizer, cluster);
        }
        if (list) {
            if (!words.isEmpty()) {
                throw usage(words.get(0) + ": --list takes no VERB or TYPE");
            }
            list(authorizer.rulesFor(UserInfo.authenticated(who.user, who.groups), ns));
            return 0;
        }
        if (words.size() < 2) {
            throw usage("VERB and TYPE[/NAME]|URL are required");
        }
        RbacQueries.CanI q;
        try {
            q = RbacQueries.canI(
                    who.user,
                    who.groups,
                    words.get(0),
                    words.get(1),
                    subresource,
                    ns,
                    cluster.resources(),
                    w -> io.err().println(w + "\n"));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Answer answer = authorizer.canI(q.user(), q.request());
        if (output != null && output != Output.TABLE) {
            output.print(RbacAnswers.canI(authorizer, q.user(), q.request()), io.out(), true);
        } else if (!quiet) {
            io.out().println(answer.allowed() ? "yes" : "no");
        }
        return answer.allowed() ? 0 : 1;
    }

    private String namespaceOrUsage() {
        try {
            return namespace.resolved();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private void refuseWithBatch() {
        if (!words.isEmpty()) {
            throw usage(words.get(0) + ": no arguments with --batch, its lines are the queries");
        }
        refuse(who.user != null, "--as", "as");
        refuse(!who.groups.isEmpty(), "--as-group", "asGroups");
        refuse(namespace.given(), "--namespace", "namespace");
        refuse(!subresource.isEmpty(), "--subresource", "subresource");
        if (list) {
            throw usage("--list: not with --batch");
        }
    }

    private void refuse(boolean given, String option, String field) {
        if (given) {
            throw usage(option + ": not with --batch, give \"" + field + "\" on each line");
        }
    }

    private int batch(Authorizer authorizer, RbacCommand.Cluster cluster) {
        try (Lines in = QueryBatch.open(batch, io.in())) {
            int bad = QueryBatch.answer(
                    in,
                    "rbac",
                    BATCH_FIELDS,
                    line -> {
                        RbacQueries.CanI q = RbacQueries.canI(
                                line.string("as"),
                                line.strings("asGroups"),
                                line.string("verb"),
                                line.string("resource"),
                                line.optionalString("subresource"),
                                line.optionalString("namespace"),
                                cluster.resources(),
                                w -> {});
                        return List.of(RbacAnswers.canI(authorizer, q.user(), q.request()));
                    },
                    io.out(),
                    io.err());
            return bad == 0 ? 0 : 2;
        } catch (NoSuchFileException e) {
            throw usage("--batch " + batch + ": no such file");
        } catch (IOException e) {
            throw new IllegalStateException("--batch " + batch + ": " + e, e);
        }
    }

    /** kubectl's {@code --list}: Resources, Non-Resource URLs, Resource Names, Verbs, one row a rule; resource rules first. */
    private void list(List<Grant> grants) {
        List<PolicyRule> rules = grants.stream()
                .map(Grant::rule)
                .distinct()
                .sorted(Comparator.comparing((PolicyRule r) -> r.resources().isEmpty())
                        .thenComparing(r -> String.join(",", resources(r)))
                        .thenComparing(r -> String.join(",", r.nonResourceURLs())))
                .toList();
        if (output != null && output != Output.TABLE) {
            output.print(Map.of("rules", rules.stream().map(RbacAnswers::rule).toList()), io.out(), true);
            return;
        }
        Output.Table table =
                new Output.Table("Resources", "Non-Resource URLs", "Resource Names", "Verbs").withoutHeaders(noHeaders);
        for (PolicyRule r : rules) {
            table.row(
                    String.join(", ", resources(r)),
                    brackets(r.nonResourceURLs()),
                    brackets(r.resourceNames()),
                    brackets(r.verbs()));
        }
        table.print(io.out());
    }

    /** {@code resource.group} for each resource and group of the rule, as kubectl prints them. */
    private static List<String> resources(PolicyRule r) {
        List<String> out = new ArrayList<>();
        for (String resource : r.resources()) {
            for (String group : r.apiGroups()) {
                out.add(group.isEmpty() ? resource : resource + "." + group);
            }
        }
        return out;
    }

    private static String brackets(List<String> values) {
        return "[" + String.join(" ", values) + "]";
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
