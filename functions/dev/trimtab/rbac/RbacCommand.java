package dev.trimtab.rbac;

import dev.trimtab.cli.Cli;
import dev.trimtab.cli.KubeOptions;
import dev.trimtab.cli.Output;
import dev.trimtab.kube.ApiResources;
import dev.trimtab.rbac.core.EscalationFinder;
import dev.trimtab.rbac.core.Finding;
import dev.trimtab.rbac.core.RbacIntent;
import dev.trimtab.rbac.core.RbacModel;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rbac can-i|who-can|escalations|intents}: RBAC questions answered offline from a directory
 * of manifests (no cluster, no Quarkus), in kubectl's vocabulary ({@code -n}, {@code -A},
 * {@code --as}, {@code --as-group}, {@code -o json|yaml|table}). {@code can-i} answers {@code yes} or
 * {@code no} and exits 0 or 1 as {@code kubectl auth can-i} does ({@link RbacCanI});
 * {@code who-can} prints a table of subjects ({@link RbacWhoCan}); {@code escalations} one finding a
 * line; {@code intents} one violation a line with its fix ({@code docs/rbac-intents.md}) and exits 1
 * when there is one, so that a pipeline can gate on it.
 *
 * <p>Exit status: 0 yes / nothing found; 1 no, violations found, or the manifests could not be read
 * at all (named on stderr; objects that could not be read are named and left out); 2 on wrong usage,
 * naming the argument, and after a batch with a bad line.
 */
@Command(
        name = "rbac",
        mixinStandardHelpOptions = true,
        description = "RBAC questions answered offline from a directory of manifests.",
        subcommands = {RbacCanI.class, RbacWhoCan.class, RbacCommand.Escalations.class, RbacCommand.Intents.class})
public final class RbacCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** @param args what follows the word {@code rbac} */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return Cli.execute(RbacCommand.class, args, new Cli.Io(stdin, out, err));
    }

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "a command is required: can-i, who-can, escalations or intents");
    }

    /** The manifests read once: every object, the RBAC model of them, and the API resources they add (CRDs). */
    record Cluster(List<Map<String, Object>> objects, RbacModel model, ApiResources resources) {
        /** Reads the manifests, naming on stderr what could not be read ({@link KubeOptions.ManifestsDir#objects}). */
        static Cluster read(KubeOptions.ManifestsDir manifests, PrintStream err) {
            List<Map<String, Object>> objects = manifests.objects(err, "rbac");
            RbacModel model = RbacModel.fromObjects(objects);
            model.errors().forEach(e -> err.println("rbac: " + e));
            model.warnings().forEach(w -> err.println("rbac: warning: " + w));
            return new Cluster(objects, model, ApiResources.standard().withCustomResources(objects));
        }
    }

    @Command(
            name = "escalations",
            mixinStandardHelpOptions = true,
            description =
                    "Paths to more privilege: who may bind, escalate, impersonate or read secrets, one finding a line.")
    static final class Escalations implements Callable<Integer> {
        private final Cli.Io io;

        @Mixin
        KubeOptions.ManifestsDir manifests;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FORMAT",
                completionCandidates = Output.Names.class,
                description = "json (default: one finding a line), yaml or table.")
        Output output = Output.JSON;

        Escalations(Cli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            Cluster cluster = Cluster.read(manifests, io.err());
            List<Finding> findings = new EscalationFinder(cluster.model()).find();
            Output.Table table = new Output.Table("CODE", "BINDING", "ROLE", "MESSAGE").rows(findings, f ->
                    new String[] {f.code().name(), String.valueOf(f.binding()), String.valueOf(f.role()), f.message()});
            output.print(findings.stream().map(RbacAnswers::finding).toList(), io.out(), table);
            return 0;
        }
    }

    @Command(
            name = "intents",
            mixinStandardHelpOptions = true,
            description =
                    "Checks the RbacIntents among the manifests: one violation a line with its fix; exit 1 when there is one.")
    static final class Intents implements Callable<Integer> {
        private final Cli.Io io;

        @Mixin
        KubeOptions.ManifestsDir manifests;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FORMAT",
                completionCandidates = Output.Names.class,
                description = "json (default: one violation a line), yaml or table.")
        Output output = Output.JSON;

        Intents(Cli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            Cluster cluster = Cluster.read(manifests, io.err());
            RbacIntent.Parsed intents = RbacIntent.fromObjects(cluster.objects());
            intents.errors().forEach(e -> io.err().println("rbac: " + e));
            if (intents.intents().isEmpty()) {
                io.err().println("rbac: no RbacIntent (" + RbacIntent.API_VERSION + ") to check among the manifests");
            }
            List<Map<String, Object>> violations =
                    RbacAnswers.violations(cluster.model(), cluster.objects(), intents.intents());
            Output.Table table = new Output.Table("INTENT", "MODE", "KIND", "MESSAGE")
                    .rows(violations, v -> new String[] {
                        String.valueOf(v.get("intent")),
                        String.valueOf(v.get("mode")),
                        String.valueOf(v.get("kind")),
                        String.valueOf(v.get("message"))
                    });
            output.print(violations, io.out(), table);
            return violations.isEmpty() && intents.errors().isEmpty() ? 0 : 1;
        }
    }
}
