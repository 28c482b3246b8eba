package dev.trimtab.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trimtab.cli.Cli;
import dev.trimtab.cli.KubeOptions;
import dev.trimtab.cli.Lines;
import dev.trimtab.cli.Output;
import dev.trimtab.cli.QueryBatch;
import dev.trimtab.kube.IpAddress;
import dev.trimtab.network.core.Endpoint;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.SideVerdict;
import dev.trimtab.network.core.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code network can-reach|matrix|intents}: NetworkPolicy reachability answered offline from a
 * directory of manifests (Namespaces, Pods with {@code status.podIP}, NetworkPolicies; no cluster, no
 * Quarkus). Each answer is one JSON object on one line ({@code -o yaml}: documents; {@code -o table}:
 * one row each):
 * {@code {"from":"ns/pod","to":"ns/pod","port":80,"protocol":"TCP","reachable":true,"egress":{...},"ingress":{...}}},
 * each side with its {@code reason} (NotIsolated, AllowedByPolicy, NoRuleAllows, NotInCluster),
 * {@code isolated}, {@code isolatedBy} (policies {@code ns/name}) and {@code allowedBy}
 * ({@code {"policy":"ns/name","rule":i}}).
 *
 * <p>FROM and TO are {@code ns/pod} or an IP address. An address that is a pod's
 * {@code status.podIP} is that pod; any other is outside the cluster, and only the cluster end's
 * policies apply (for an external TO, the source's egress). {@code matrix} answers for every
 * ordered pair of pods (a pod with itself included), of all namespaces or those given with
 * {@code -n}. {@code intents} checks the NetworkIntents of the manifests and, with {@code --plan},
 * plans the policies of the Enforce ones ({@link IntentsAnswers}); it exits 1 when an intent is
 * violated or cannot be read, so that a pipeline can gate on it.
 *
 * <p>With {@code --batch FILE} ({@code -}: stdin) can-reach and matrix take no query on the command
 * line: each line of FILE is one, {@code {"from":"shop/web","to":"shop/db","port":5432}} or
 * {@code {"port":"53/UDP","namespaces":["shop"]}} (namespaces optional), answered in order over
 * manifests read once ({@link QueryBatch}).
 *
 * <p>Exit 0 when it could answer, whatever the answer (objects that could not be read are named on
 * stderr and left out); 1 when the manifests could not be read at all, or intents are violated; 2
 * on wrong usage, naming the argument, and after a batch with a bad line.
 */
@Command(
        name = "network",
        mixinStandardHelpOptions = true,
        description = "NetworkPolicy reachability and NetworkIntents, offline from a directory of manifests.",
        subcommands = {NetworkCommand.CanReach.class, NetworkCommand.Matrix.class, NetworkCommand.Intents.class})
public final class NetworkCommand implements Callable<Integer> {
    private static final List<String> CAN_REACH_FIELDS = List.of("from", "to", "port");
    private static final List<String> MATRIX_FIELDS = List.of("port", "namespaces");

    @Spec
    CommandSpec spec;

    /** @param args what follows the word {@code network} */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return Cli.execute(NetworkCommand.class, args, new Cli.Io(stdin, out, err));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required: can-reach, matrix or intents");
    }

    /** What every query command shares: the manifests, the output and the batch. */
    abstract static class Query implements Callable<Integer> {
        final Cli.Io io;

        @Spec
        CommandSpec spec;

        @Mixin
        KubeOptions.ManifestsDir manifests;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FORMAT",
                completionCandidates = Output.Names.class,
                description = "json (default: one answer a line), yaml or table.")
        Output output = Output.JSON;

        @Option(
                names = "--batch",
                paramLabel = "FILE",
                description = "Answer the queries of FILE (- for stdin), one JSON object a line.")
        String batch;

        Query(Cli.Io io) {
            this.io = io;
        }

        abstract NetworkQuery query();

        abstract NetworkQuery query(QueryBatch.Line line);

        abstract List<String> fields();

        abstract boolean hasQueryArguments();

        @Override
        public Integer call() {
            NetworkQuery query = null;
            if (batch == null) {
                try {
                    query = query();
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
            } else if (hasQueryArguments()) {
                throw new ParameterException(
                        spec.commandLine(), "no query arguments with --batch, its lines are the queries");
            }
            NetworkModel model = NetworkModel.fromObjects(manifests.objects(io.err(), "network"));
            model.errors().forEach(e -> io.err().println("network: " + e));
            ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
            if (batch != null) {
                return batch(model, analyzer);
            }
            List<Verdict> verdicts;
            try {
                verdicts = query.verdicts(model, analyzer);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Output.Table table = new Output.Table("FROM", "TO", "PORT", "REACHABLE", "EGRESS", "INGRESS")
                    .rows(verdicts, v -> new String[] {
                        v.from().id(),
                        v.to().id(),
                        v.port().number() + "/" + v.port().protocol().name(),
                        v.reachable() ? "yes" : "no",
                        v.egress().reason().name(),
                        v.ingress().reason().name()
                    });
            output.print(verdicts.stream().map(NetworkCommand::answer).toList(), io.out(), table);
            return 0;
        }

        private int batch(NetworkModel model, ReachabilityAnalyzer analyzer) {
            try (Lines in = QueryBatch.open(batch, io.in())) {
                int bad = QueryBatch.answer(
                        in,
                        "network",
                        fields(),
                        line -> query(line).verdicts(model, analyzer).stream()
                                .map(NetworkCommand::answer)
                                .toList(),
                        io.out(),
                        io.err());
                return bad == 0 ? 0 : 2;
            } catch (NoSuchFileException e) {
                throw new ParameterException(spec.commandLine(), "--batch " + batch + ": no such file");
            } catch (IOException e) {
                throw new UncheckedIOException("--batch " + batch + ": " + e, e);
            }
        }
    }

    @Command(
            name = "can-reach",
            mixinStandardHelpOptions = true,
            description = "Whether FROM may open a connection to TO on PORT[/PROTOCOL], and which policies decide it.")
    static final class CanReach extends Query {
        @Parameters(
                arity = "0..3",
                paramLabel = "FROM TO PORT[/PROTOCOL]",
                description = "NAMESPACE/POD or an IP address, twice, then a port such as 80 or 53/UDP.")
        List<String> words = new ArrayList<>();

        CanReach(Cli.Io io) {
            super(io);
        }

        @Override
        NetworkQuery query() {
            if (words.size() != 3) {
                throw new IllegalArgumentException(
                        "can-reach: got " + words.size() + " arguments " + words + ", want FROM TO PORT");
            }
            return NetworkQuery.canReach(words.get(0), words.get(1), words.get(2), NetworkQuery.Names.ARGUMENTS);
        }

        @Override
        NetworkQuery query(QueryBatch.Line line) {
            return NetworkQuery.canReach(
                    line.string("from"), line.string("to"), line.stringOrNumber("port"), NetworkQuery.Names.FIELDS);
        }

        @Override
        List<String> fields() {
            return CAN_REACH_FIELDS;
        }

        @Override
        boolean hasQueryArguments() {
            return !words.isEmpty();
        }
    }

    @Command(
            name = "matrix",
            mixinStandardHelpOptions = true,
            description =
                    "Reachability on PORT[/PROTOCOL] for every ordered pair of pods (of all namespaces unless -n).")
    static final class Matrix extends Query {
        @Option(
                names = {"-n", "--namespace"},
                paramLabel = "NS",
                description = "Only the pods of NS; repeat for several.")
        List<String> namespaces = new ArrayList<>();

        @Parameters(arity = "0..1", paramLabel = "PORT[/PROTOCOL]", description = "A port such as 80 or 53/UDP.")
        String port;

        Matrix(Cli.Io io) {
            super(io);
        }

        @Override
        NetworkQuery query() {
            if (port == null) {
                throw new IllegalArgumentException("matrix: got 0 arguments [], want PORT");
            }
            return NetworkQuery.matrix(port, namespaces, NetworkQuery.Names.ARGUMENTS);
        }

        @Override
        NetworkQuery query(QueryBatch.Line line) {
            return NetworkQuery.matrix(
                    line.stringOrNumber("port"), line.strings("namespaces"), NetworkQuery.Names.FIELDS);
        }

        @Override
        List<String> fields() {
            return MATRIX_FIELDS;
        }

        @Override
        boolean hasQueryArguments() {
            if (!namespaces.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(), "--namespace: not with --batch, give \"namespaces\" on each line");
            }
            return port != null;
        }
    }

    @Command(
            name = "intents",
            mixinStandardHelpOptions = true,
            description =
                    "Checks the NetworkIntents among the manifests: one violation a line; exit 1 when there is one.")
    static final class Intents implements Callable<Integer> {
        private final Cli.Io io;

        @Mixin
        KubeOptions.ManifestsDir manifests;

        @Option(names = "--plan", description = "Also plan the NetworkPolicies that make the Enforce intents hold.")
        boolean plan;

        Intents(Cli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws JsonProcessingException {
            List<Map<String, Object>> objects = manifests.objects(io.err(), "network");
            NetworkModel model = NetworkModel.fromObjects(objects);
            model.errors().forEach(e -> io.err().println("network: " + e));
            return IntentsAnswers.print(objects, model, plan, io.out(), io.err()) == 0 ? 0 : 1;
        }
    }

    public static Endpoint endpoint(NetworkModel model, String name, String text) {
        if (IpAddress.isAddress(text)) {
            return model.endpointFor(IpAddress.parse(text));
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(name + " \"" + text + "\": want NAMESPACE/POD or an IP address");
        }
        return model.pod(text.substring(0, slash), text.substring(slash + 1))
                .<Endpoint>map(Endpoint.PodEndpoint::new)
                .orElseThrow(
                        () -> new IllegalArgumentException(name + " \"" + text + "\": no such pod in the manifests"));
    }

    public static Map<String, Object> answer(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", v.from().id());
        m.put("to", v.to().id());
        m.put("port", v.port().number());
        m.put("protocol", v.port().protocol().name());
        m.put("reachable", v.reachable());
        m.put("egress", side(v.egress()));
        m.put("ingress", side(v.ingress()));
        return m;
    }

    private static Map<String, Object> side(SideVerdict s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allowed", s.allowed());
        m.put("reason", s.reason().name());
        m.put("isolated", s.isolated());
        m.put("isolatedBy", s.isolatedBy());
        m.put("allowedBy", s.allowedBy().stream().map(NetworkCommand::rule).toList());
        return m;
    }

    private static Map<String, Object> rule(SideVerdict.RuleRef r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", r.policy());
        m.put("rule", r.index());
        return m;
    }
}
