package dev.trimtab.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.cli.QueryBatch;
import dev.trimtab.kube.IpAddress;
import dev.trimtab.kube.Manifests;
import dev.trimtab.network.core.Endpoint;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.SideVerdict;
import dev.trimtab.network.core.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code network can-reach|matrix}: NetworkPolicy reachability answered offline from a directory
 * of manifests (Namespaces, Pods with {@code status.podIP}, NetworkPolicies; no cluster, no
 * Quarkus). Each answer is one JSON object on one line:
 * {@code {"from":"ns/pod","to":"ns/pod","port":80,"protocol":"TCP","reachable":true,"egress":{...},"ingress":{...}}},
 * each side with its {@code reason} (NotIsolated, AllowedByPolicy, NoRuleAllows, NotInCluster),
 * {@code isolated}, {@code isolatedBy} (policies {@code ns/name}) and {@code allowedBy}
 * ({@code {"policy":"ns/name","rule":i}}).
 *
 * <p>FROM and TO are {@code ns/pod} or an IP address. An address that is a pod's
 * {@code status.podIP} is that pod; any other is outside the cluster, and only the cluster end's
 * policies apply (for an external TO, the source's egress). {@code matrix} answers for every
 * ordered pair of pods (a pod with itself included), of all namespaces or those given with
 * {@code --namespace}. {@code intents} checks the NetworkIntents of the manifests and, with
 * {@code --plan}, plans the policies of the Enforce ones ({@link IntentsAnswers}).
 *
 * <p>With {@code --batch FILE} ({@code -}: stdin) can-reach and matrix take no query on the command
 * line: each line of FILE is one, {@code {"from":"shop/web","to":"shop/db","port":5432}} or
 * {@code {"port":"53/UDP","namespaces":["shop"]}} (namespaces optional), answered in order over
 * manifests read once, as the single query would be (a matrix line with all its objects). A bad line
 * is answered {@code {"line":N,"error":"..."}} in its place and named on stderr; the batch goes on
 * ({@link QueryBatch}).
 *
 * <p>Exit 0 when it could answer, whatever the answer (objects that could not be read are named on
 * stderr and left out); 1 when the manifests could not be read at all; 2 on wrong usage, naming the
 * argument, and after a batch with a bad line.
 */
public final class NetworkCommand {
    static final String USAGE = """
            usage: network can-reach --manifests DIR FROM_NS/FROM_POD|IP TO_NS/TO_POD|IP PORT[/PROTOCOL]
                   network can-reach --manifests DIR --batch FILE|-   (lines {"from","to","port"})
                   network matrix --manifests DIR [--namespace NS]... PORT[/PROTOCOL]
                   network matrix --manifests DIR --batch FILE|-      (lines {"port","namespaces"})
                   network intents --manifests DIR [--plan]""";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CAN_REACH_FIELDS = List.of("from", "to", "port");
    private static final List<String> MATRIX_FIELDS = List.of("port", "namespaces");

    private NetworkCommand() {}

    /** @param args what follows the word {@code network} */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        NetworkArgs a;
        try {
            a = NetworkArgs.parse(args);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        NetworkModel model;
        List<Map<String, Object>> objects;
        try {
            objects = load(a.manifests(), err);
            model = NetworkModel.fromObjects(objects);
            model.errors().forEach(e -> err.println("network: " + e));
        } catch (IOException e) {
            err.println("network: cannot read manifests in " + a.manifests() + ": " + e.getMessage());
            return 1;
        }
        ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
        try {
            if (a.command().equals("intents")) {
                IntentsAnswers.print(objects, model, a.plan(), out, err);
            } else if (a.batch() != null) {
                return batch(a.command(), a.batch(), stdin, model, analyzer, out, err);
            } else {
                List<Verdict> verdicts;
                try {
                    verdicts = a.query().verdicts(model, analyzer);
                } catch (IllegalArgumentException e) {
                    return usage(err, e.getMessage());
                }
                for (Verdict v : verdicts) {
                    out.println(JSON.writeValueAsString(answer(v)));
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers and lists always serialize", e);
        }
        out.flush();
        return 0;
    }

    /** The queries of {@code --batch}, one a line ({@link QueryBatch}): exit 0 when all were answered, 2 when a line was bad. */
    private static int batch(String command, String file, InputStream stdin, NetworkModel model,
                             ReachabilityAnalyzer analyzer, PrintStream out, PrintStream err) {
        boolean canReach = command.equals("can-reach");
        NetworkQuery.Names names = NetworkQuery.Names.FIELDS;
        try (dev.trimtab.cli.Lines in = QueryBatch.open(file, stdin)) {
            int bad = QueryBatch.answer(in, "network", canReach ? CAN_REACH_FIELDS : MATRIX_FIELDS, line -> {
                NetworkQuery q = canReach
                        ? NetworkQuery.canReach(line.string("from"), line.string("to"), line.stringOrNumber("port"), names)
                        : NetworkQuery.matrix(line.stringOrNumber("port"), line.strings("namespaces"), names);
                return q.verdicts(model, analyzer).stream().map(NetworkCommand::answer).toList();
            }, out, err);
            return bad == 0 ? 0 : 2;
        } catch (NoSuchFileException e) {
            err.println("network: --batch " + file + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("network: --batch " + file + ": " + e);
            return 1;
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("network: " + message);
        err.println(USAGE);
        return 2;
    }

    private static List<Map<String, Object>> load(Path dir, PrintStream err) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory");
        }
        Manifests.Contents contents = Manifests.read(dir);
        contents.errors().forEach(e -> err.println("network: " + e));
        return contents.objects();
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
                .orElseThrow(() -> new IllegalArgumentException(name + " \"" + text + "\": no such pod in the manifests"));
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
