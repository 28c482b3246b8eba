package dev.trimtab.rbac;

import dev.trimtab.cli.Cli;
import dev.trimtab.cli.KubeOptions;
import dev.trimtab.cli.Lines;
import dev.trimtab.cli.Output;
import dev.trimtab.cli.QueryBatch;
import dev.trimtab.rbac.core.AccessRequest;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.Grant;
import dev.trimtab.rbac.core.ObjectRef;
import dev.trimtab.rbac.core.SubjectGrants;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rbac who-can VERB TYPE[/NAME]|URL}: every subject that may do it, in the manner of the
 * {@code kubectl who-can} plugin: a table of subjects and the bindings that grant it by default,
 * {@code -o json|yaml} for the subjects with their bindings and rules. The namespace is
 * {@code default} unless {@code -n} or {@code -A} says otherwise. With {@code --batch FILE} each line
 * is one question, {@code {"verb":"list","resource":"pods","subresource":"","namespace":"team-a"}}
 * ({@code namespace} absent: all namespaces), answered with one JSON line each ({@link QueryBatch}).
 */
@Command(
        name = "who-can",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Every user, group and service account that may VERB a TYPE[/NAME] or a NONRESOURCEURL.")
final class RbacWhoCan implements Callable<Integer> {
    static final List<String> BATCH_FIELDS = List.of("verb", "resource", "subresource", "namespace");

    private final Cli.Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    KubeOptions.ManifestsDir manifests;

    @Mixin
    KubeOptions.Namespace namespace;

    @Option(names = "--subresource", paramLabel = "SUB", description = "A subresource, such as log or scale.")
    String subresource = "";

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            completionCandidates = Output.Names.class,
            description = "table (default), json or yaml.")
    Output output = Output.TABLE;

    @Option(names = "--no-headers", description = "With the table: no header line.")
    boolean noHeaders;

    @Option(
            names = "--batch",
            paramLabel = "FILE",
            description = "Answer the questions of FILE (- for stdin), one JSON object a line.")
    String batch;

    @Parameters(
            arity = "0..2",
            paramLabel = "VERB TYPE[/NAME]|NONRESOURCEURL",
            description = "A verb and what it acts on: pods, deploy/web, deployments.apps, /healthz.")
    List<String> words = new ArrayList<>();

    RbacWhoCan(Cli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (batch != null) {
            if (!words.isEmpty()) {
                throw usage(words.get(0) + ": no arguments with --batch, its lines are the queries");
            }
            if (namespace.given()) {
                throw usage("--namespace: not with --batch, give \"namespace\" on each line");
            }
            if (!subresource.isEmpty()) {
                throw usage("--subresource: not with --batch, give \"subresource\" on each line");
            }
        } else if (words.size() < 2) {
            throw usage("VERB and TYPE[/NAME]|URL are required");
        }
        String ns;
        try {
            ns = namespace.resolved();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        RbacCommand.Cluster cluster = RbacCommand.Cluster.read(manifests, io.err());
        Authorizer authorizer = new Authorizer(cluster.model());
        if (batch != null) {
            return batch(authorizer, cluster);
        }
        AccessRequest request;
        try {
            request = RbacQueries.request(
                    words.get(0),
                    words.get(1),
                    subresource,
                    ns,
                    cluster.resources(),
                    w -> io.err().println(w + "\n"));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (output == Output.TABLE) {
            table(authorizer.whoCan(request)).print(io.out());
        } else {
            output.print(RbacAnswers.whoCan(authorizer, request), io.out(), true);
        }
        return 0;
    }

    private Output.Table table(List<SubjectGrants> found) {
        Output.Table table = new Output.Table("SUBJECT", "KIND", "SA-NAMESPACE", "BINDINGS").withoutHeaders(noHeaders);
        for (SubjectGrants sg : found) {
            String bindings = sg.grants().stream()
                    .map(Grant::binding)
                    .distinct()
                    .map(RbacWhoCan::binding)
                    .collect(Collectors.joining(","));
            table.row(
                    sg.subject().name(),
                    sg.subject().kind().name(),
                    sg.subject().namespace() == null ? "" : sg.subject().namespace(),
                    bindings);
        }
        return table;
    }

    /** {@code RoleBinding/team-a/alice-pods}, {@code ClusterRoleBinding/admins}. */
    private static String binding(ObjectRef b) {
        return b.kind() + "/" + (b.namespace() == null ? "" : b.namespace() + "/") + b.name();
    }

    private int batch(Authorizer authorizer, RbacCommand.Cluster cluster) {
        try (Lines in = QueryBatch.open(batch, io.in())) {
            int bad = QueryBatch.answer(
                    in,
                    "rbac",
                    BATCH_FIELDS,
                    line -> List.of(RbacAnswers.whoCan(
                            authorizer,
                            RbacQueries.request(
                                    line.string("verb"),
                                    line.string("resource"),
                                    line.optionalString("subresource"),
                                    line.optionalString("namespace"),
                                    cluster.resources(),
                                    w -> {}))),
                    io.out(),
                    io.err());
            return bad == 0 ? 0 : 2;
        } catch (NoSuchFileException e) {
            throw usage("--batch " + batch + ": no such file");
        } catch (IOException e) {
            throw new IllegalStateException("--batch " + batch + ": " + e, e);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
